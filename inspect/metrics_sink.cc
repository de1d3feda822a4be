// inspect/metrics_sink.cc
#include "inspect/metrics_sink.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace rlzero::inspect {

namespace {
double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

std::string MetricsJsonlPath(const std::string& run_dir) {
  return (std::filesystem::path(run_dir) / "metrics.jsonl").string();
}

StatusOr<std::unique_ptr<RunMetricsSink>> RunMetricsSink::Open(const std::string& run_dir) {
  std::unique_ptr<RunMetricsSink> s(new RunMetricsSink());
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  s->jsonl_path_ = MetricsJsonlPath(run_dir);
  s->jsonl_ = std::fopen(s->jsonl_path_.c_str(), "a");
  if (s->jsonl_ == nullptr) {
    return Unavailable(s->jsonl_path_ + ": cannot open for append: " + std::strerror(errno));
  }
  RLZ_ASSIGN_OR_RETURN(s->events_, TfEventsWriter::Open(run_dir, NowSeconds()));
  return s;
}

RunMetricsSink::~RunMetricsSink() {
  if (jsonl_) std::fclose(jsonl_);
}

Status RunMetricsSink::Write(int64_t step, const std::map<std::string, double>& metrics) {
  std::lock_guard<std::mutex> lock(mu_);
  double now = NowSeconds();
  nlohmann::json line = nlohmann::json::object();
  line["step"] = step;
  line["wall_time"] = now;
  for (const auto& [k, v] : metrics) {
    if (k == "step" || k == "wall_time") {
      return InvalidArgument("metrics sink: key \"" + k + "\" is reserved");
    }
    line[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
  }
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (std::fwrite(text.data(), 1, text.size(), jsonl_) != text.size() || std::fflush(jsonl_) != 0) {
    return Unavailable(jsonl_path_ + ": write failed: " + std::strerror(errno));
  }
  RLZ_RETURN_IF_ERROR(events_->WriteScalars(step, now, metrics));
  return events_->Flush();
}

Status RunMetricsSink::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  if (std::fflush(jsonl_) != 0) return Unavailable(jsonl_path_ + ": flush failed");
  return events_->Flush();
}

}  // namespace rlzero::inspect
