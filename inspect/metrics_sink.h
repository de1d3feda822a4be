// inspect/metrics_sink.h: where the learner sends its per-step scalars.
//
//   auto sink = RunMetricsSink::Open(run_dir);   // metrics.jsonl + TB events
//   sink->Write(step, {{"reward/mean", 0.4}, {"kl", 0.01}});
//
// Contract of RunMetricsSink: each Write appends one line
// {"step": N, "wall_time": seconds, "<key>": value, ...} to
// RUN_DIR/metrics.jsonl (non-finite values become null) and one Event with a
// simple_value per key to the run's TensorBoard event file; both are flushed
// to the OS before Write returns, so a crash loses at most the line being
// written. Keys are free-form; by convention "group/name" (e.g.
// "reward/format"), which the report uses to group curves into charts.
// Thread safety: Write/Flush are serialised by an internal mutex.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "inspect/tfevents_writer.h"

namespace rlzero::inspect {

class MetricsSink {
 public:
  virtual ~MetricsSink() = default;
  virtual Status Write(int64_t step, const std::map<std::string, double>& metrics) = 0;
  virtual Status Flush() = 0;
};

class RunMetricsSink : public MetricsSink {
 public:
  static StatusOr<std::unique_ptr<RunMetricsSink>> Open(const std::string& run_dir);
  ~RunMetricsSink() override;
  Status Write(int64_t step, const std::map<std::string, double>& metrics) override;
  Status Flush() override;
  const std::string& events_path() const { return events_->path(); }

 private:
  RunMetricsSink() = default;
  std::mutex mu_;
  std::FILE* jsonl_ = nullptr;
  std::string jsonl_path_;
  std::unique_ptr<TfEventsWriter> events_;
};

// RUN_DIR/metrics.jsonl
std::string MetricsJsonlPath(const std::string& run_dir);

}  // namespace rlzero::inspect
