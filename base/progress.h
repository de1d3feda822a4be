// base/progress.h: human progress on stderr for long commands (train, sft,
// eval, generate, bench): "name  step 12/100  3.1 it/s  ETA 0:28  loss=1.23".
// On a terminal the line is redrawn in place at most 10 times a second; when
// stderr is not a terminal, one line is printed per Update call that carries
// `force_line` (e.g. per training step) and at Finish.
// Thread safety: one thread drives a Progress.
#pragma once

#include <chrono>
#include <string>

namespace rlzero {

class Progress {
 public:
  Progress(std::string name, long long total);
  // done: items completed so far; extra: free text after the rate.
  void Update(long long done, const std::string& extra = "", bool force_line = false);
  void Finish(const std::string& extra = "");
  // Seconds since construction.
  double Elapsed() const;

 private:
  std::string Format(long long done, const std::string& extra) const;

  std::string name_;
  long long total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "1:02:03" or "2:03".
std::string FormatDuration(double seconds);

}  // namespace rlzero
