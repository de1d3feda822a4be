// rewards/reward_function.h: a reward is a weighted sum of named components,
// each a scorer (built-in verifier or plugin, see verifier_spec.h) from
// config:
//
//   rewards:                      # one list for every task ...
//     - {name: correctness, verifier: countdown, weight: 1.0}
//     - {name: format, verifier: format, weight: 0.1, options: {tag_credit: 0.05}}
//   rewards:                      # ... or one list per task (sample field "task")
//     countdown: [{verifier: countdown}]
//     math: [{verifier: math}, {verifier: format, weight: 0.1}]
//
// Contract: Score never throws and never stops training. Every component is
// reported separately (score, weight, weighted, correct, extracted, reason,
// elapsed_ms); a component that returns an error, throws, returns a
// non-finite score or runs past its deadline is recorded as failed with the
// reason and contributes 0. total = sum over components of weight x score.
// Non-goals: normalisation across a group (that is the advantage estimator's
// job), caching. Thread safety: Score/ScoreBatch are const and reentrant
// (plugins serialise internally).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/config.h"
#include "rewards/verifier_spec.h"
#include "verifiers/verifier.h"

namespace rlzero::rewards {

struct RewardComponentSpec {
  VerifierSpec scorer;
  double weight = 1.0;
};

// The `rewards` config: per-task component lists; the list form is stored
// under the task "*" (used for every task).
struct RewardsConfig {
  std::map<std::string, std::vector<RewardComponentSpec>> by_task;
  // The raw `rewards` tree: the reader's per-item sections point into it, so
  // it lives as long as any copy of this config (call reader.Finish() while
  // one does).
  std::shared_ptr<const Json> raw;
  // Reads key `rewards` of reader (a list or a task -> list mapping).
  static StatusOr<RewardsConfig> FromConfig(ConfigReader& reader);
  // The components for `task` (its own list, else "*"); NOT_FOUND if none.
  StatusOr<std::vector<RewardComponentSpec>> ForTask(const std::string& task) const;
};

struct ComponentScore {
  std::string name;
  double weight = 0.0;
  bool failed = false;
  bool correct = false;
  double score = 0.0;     // the scorer's score (0 when failed)
  double weighted = 0.0;  // weight x score
  std::string extracted;
  std::string reason;      // why failed / why not correct
  int64_t elapsed_ms = 0;  // the component's call (a whole batch for plugins)
};

struct Reward {
  double total = 0.0;
  std::vector<ComponentScore> components;
  // {"reward": total, "components": {name: {score, weight, weighted, correct,
  //  failed, extracted, reason, elapsed_ms}}}
  Json ToJson() const;
};

class RewardFunction {
 public:
  struct Component {
    std::string name;
    double weight = 1.0;
    int64_t timeout_ms = 10000;
    bool batched = false;  // one call per batch (plugins) vs one per sample
    std::shared_ptr<verifiers::Verifier> scorer;
  };

  // threads: how many samples an in-tree component scores at once in
  // ScoreBatch (plugins get the whole batch in one call and parallelise
  // themselves). 1 = serial.
  explicit RewardFunction(std::vector<Component> components, int threads = 1);
  // Builds every component; the first that cannot be built is the error.
  static StatusOr<std::unique_ptr<RewardFunction>> Create(
      const std::vector<RewardComponentSpec>& specs, const verifiers::VerifierEnv& env,
      int threads = 1);

  Reward Score(const Json& sample) const;
  std::vector<Reward> ScoreBatch(const std::vector<Json>& samples) const;
  const std::vector<Component>& components() const { return components_; }

 private:
  std::vector<Component> components_;
  int threads_;
};

}  // namespace rlzero::rewards
