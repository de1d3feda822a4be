// inspect/rollout_reader.h: the queries the inspector, report and server run
// against RUN_DIR/rollouts.sqlite.
//
// Contract: Open() opens the store read-only (it must exist); while a
// training run appends (WAL), each query sees the steps committed before it
// started. Query results are ordered by (step, prompt_id, sample_index, id).
// Free-text search (`grep`) is a case-sensitive substring match on the
// completion or the prompt. Errors name the database path.
// Non-goals: writes; full-text indexing.
// Thread safety: one RolloutReader per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "inspect/rollout_record.h"

namespace rlzero::inspect {

struct RolloutFilter {
  std::optional<int64_t> step;
  std::optional<bool> correct;
  std::optional<double> min_reward;
  std::optional<double> max_reward;
  std::optional<std::string> grep;
  std::optional<std::string> prompt_id;
  int64_t limit = -1;       // -1: no limit
  bool with_tokens = true;  // false: leave the token arrays empty (cheaper)
};

// Aggregates of one step, computed from the stored rows.
struct StepSummary {
  int64_t step = 0;
  int64_t rollouts = 0;
  int64_t prompts = 0;  // distinct prompt ids (groups)
  double reward_mean = 0.0;
  double reward_std = 0.0;                        // population std over the step's rollouts
  double accuracy = 0.0;                          // fraction correct
  double tokens_mean = 0.0;                       // completion length in tokens
  std::map<std::string, double> component_means;  // mean of each reward component
  std::map<std::string, int64_t> finish_reasons;  // count per finish reason
};

class RolloutReader {
 public:
  static StatusOr<std::unique_ptr<RolloutReader>> Open(const std::string& db_path);
  ~RolloutReader();

  StatusOr<std::vector<StepSummary>> Summaries();
  StatusOr<std::vector<RolloutRecord>> Query(const RolloutFilter& filter);
  // NOT_FOUND if no rollout has this id.
  StatusOr<RolloutRecord> Get(int64_t id);
  StatusOr<int64_t> Count();
  // Largest committed row id (0 when empty): a cheap "did anything land" probe.
  StatusOr<int64_t> MaxId();

 private:
  struct Impl;
  explicit RolloutReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rlzero::inspect
