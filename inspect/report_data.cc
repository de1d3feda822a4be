// inspect/report_data.cc
#include "inspect/report_data.h"

#include <chrono>
#include <filesystem>
#include <set>

#include "inspect/metrics_log.h"
#include "inspect/metrics_sink.h"
#include "inspect/rollout_json.h"
#include "inspect/rollout_reader.h"
#include "inspect/rollout_writer.h"

namespace rlzero::inspect {

namespace fs = std::filesystem;

StatusOr<std::string> ReportVersionKey(const std::string& run_dir) {
  std::error_code ec;
  int64_t max_id = 0;
  if (fs::exists(RolloutStorePath(run_dir), ec)) {
    RLZ_ASSIGN_OR_RETURN(auto reader, RolloutReader::Open(RolloutStorePath(run_dir)));
    RLZ_ASSIGN_OR_RETURN(max_id, reader->MaxId());
  }
  auto size = fs::file_size(MetricsJsonlPath(run_dir), ec);
  return std::to_string(max_id) + ":" + std::to_string(ec ? 0 : size);
}

StatusOr<nlohmann::json> BuildReportData(const std::string& run_dir, const ReportOptions& o) {
  if (o.max_rollouts_per_step < 0 || o.max_steps_with_rollouts < 0) {
    return InvalidArgument("report: rollout limits must be >= 0");
  }
  std::error_code ec;
  bool has_store = fs::exists(RolloutStorePath(run_dir), ec);
  bool has_metrics = fs::exists(MetricsJsonlPath(run_dir), ec);
  if (!has_store && !has_metrics && !o.allow_empty) {
    return NotFound(run_dir + ": neither rollouts.sqlite nor metrics.jsonl (is this a run dir?)");
  }
  nlohmann::json data;
  std::string name = fs::path(run_dir).lexically_normal().filename().string();
  if (name.empty() || name == ".")
    name = fs::absolute(run_dir, ec).lexically_normal().parent_path().filename().string();
  data["run"] = name;
  data["generated_at"] =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

  // Probe first so the key never claims more than the data below holds.
  RLZ_ASSIGN_OR_RETURN(std::string key, ReportVersionKey(run_dir));
  data["version"] = {{"key", key}};

  RLZ_ASSIGN_OR_RETURN(auto metrics, ReadMetricsJsonl(MetricsJsonlPath(run_dir)));
  nlohmann::json mj = nlohmann::json::array();
  for (const auto& m : metrics) {
    mj.push_back({{"step", m.step}, {"wall_time", m.wall_time}, {"values", m.values}});
  }
  data["metrics"] = mj;

  nlohmann::json summary = nlohmann::json::array();
  nlohmann::json rollouts = nlohmann::json::array();
  nlohmann::json prompts = nlohmann::json::object();
  int64_t total = 0;
  if (has_store) {
    RLZ_ASSIGN_OR_RETURN(auto reader, RolloutReader::Open(RolloutStorePath(run_dir)));
    RLZ_ASSIGN_OR_RETURN(auto steps, reader->Summaries());
    for (const auto& s : steps) {
      summary.push_back(StepSummaryToJson(s));
      total += s.rollouts;
    }
    // Steps whose rollouts go in the page: evenly spread, first and last kept.
    std::set<size_t> chosen;
    size_t n = steps.size(), m = static_cast<size_t>(o.max_steps_with_rollouts);
    if (n <= m) {
      for (size_t i = 0; i < n; ++i) chosen.insert(i);
    } else if (m == 1) {
      chosen.insert(n - 1);
    } else if (m > 1) {
      for (size_t i = 0; i < m; ++i) chosen.insert(i * (n - 1) / (m - 1));
    }
    for (size_t i : chosen) {
      if (o.max_rollouts_per_step == 0) break;
      RolloutFilter f;
      f.step = steps[i].step;
      f.limit = o.max_rollouts_per_step;
      RLZ_ASSIGN_OR_RETURN(auto rows, reader->Query(f));
      for (const auto& r : rows) {
        nlohmann::json j = RolloutToJson(r, /*with_tokens=*/true);
        j.erase("prompt");
        prompts[r.prompt_id] = r.prompt;
        rollouts.push_back(std::move(j));
      }
    }
  }
  data["summary"] = summary;
  data["prompts"] = prompts;
  data["limits"] = {{"max_rollouts_per_step", o.max_rollouts_per_step},
                    {"max_steps_with_rollouts", o.max_steps_with_rollouts},
                    {"total_rollouts", total},
                    {"included_rollouts", rollouts.size()}};
  data["rollouts"] = std::move(rollouts);
  return data;
}

}  // namespace rlzero::inspect
