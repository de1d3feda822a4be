// inspect/report_data.h: gathers what the HTML report shows from a run dir:
// metrics.jsonl rows, per-step summaries of the rollout store, and a bounded
// sample of rollouts with their tokens.
//
// JSON shape (the page's contract, see report_page.html):
//   { "run": dir name, "generated_at": unix seconds,
//     "metrics": [{"step", "wall_time", "values": {key: number}}],
//     "summary": [StepSummaryToJson...],
//     "rollouts": [RolloutToJson(with_tokens) minus "prompt"],
//     "prompts": {prompt_id: prompt text},
//     "limits": {"max_rollouts_per_step", "max_steps_with_rollouts",
//                "total_rollouts", "included_rollouts"},
//     "version": {"key": changes whenever rows or metrics land} }
// Bounds: at most max_rollouts_per_step rollouts per step (whole groups first:
// rows are taken in (prompt, sample) order), from at most
// max_steps_with_rollouts steps spread evenly over the run (always the first
// and last). A run dir without a rollout store gives charts only; one with
// neither is NOT_FOUND, unless allow_empty (the live server, started before
// the run writes anything), which gives the same shape with empty lists.
// Thread safety: pure function of the files it reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace rlzero::inspect {

struct ReportOptions {
  int max_rollouts_per_step = 32;
  int max_steps_with_rollouts = 100;
  std::string title;  // default: "rlzero report: <run dir name>"
  bool allow_empty = false;
};

StatusOr<nlohmann::json> BuildReportData(const std::string& run_dir, const ReportOptions& options);
// The cheap change probe behind "version.key": max rollout id and metrics.jsonl size.
StatusOr<std::string> ReportVersionKey(const std::string& run_dir);

}  // namespace rlzero::inspect
