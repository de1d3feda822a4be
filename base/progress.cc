// base/progress.cc
#include "base/progress.h"

#include <unistd.h>

#include <cstdio>

namespace rlzero {

std::string FormatDuration(double seconds) {
  if (seconds < 0 || seconds != seconds) return "?";
  long long s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

Progress::Progress(std::string name, long long total)
    : name_(std::move(name)),
      total_(total),
      tty_(isatty(2) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_() {}

double Progress::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Progress::Format(long long done, const std::string& extra) const {
  double el = Elapsed();
  double rate = el > 0 ? done / el : 0;
  char buf[256];
  if (total_ > 0) {
    double eta = rate > 0 ? (total_ - done) / rate : -1;
    std::snprintf(buf, sizeof buf, "%s %lld/%lld  %.2f/s  elapsed %s  ETA %s", name_.c_str(), done,
                  total_, rate, FormatDuration(el).c_str(), FormatDuration(eta).c_str());
  } else {
    std::snprintf(buf, sizeof buf, "%s %lld  %.2f/s  elapsed %s", name_.c_str(), done, rate,
                  FormatDuration(el).c_str());
  }
  std::string line = buf;
  if (!extra.empty()) line += "  " + extra;
  return line;
}

void Progress::Update(long long done, const std::string& extra, bool force_line) {
  auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (!force_line && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    std::fprintf(stderr, "\r\033[K%s", Format(done, extra).c_str());
    if (force_line) std::fprintf(stderr, "\n");
  } else if (force_line) {
    std::fprintf(stderr, "%s\n", Format(done, extra).c_str());
  }
  std::fflush(stderr);
}

void Progress::Finish(const std::string& extra) {
  if (tty_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s done in %s%s%s\n", name_.c_str(), FormatDuration(Elapsed()).c_str(),
               extra.empty() ? "" : "  ", extra.c_str());
  std::fflush(stderr);
}

}  // namespace rlzero
