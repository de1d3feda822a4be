// learner/trainer/reward_scorer.h: the CompletionScorer adapter over the
// reward composition (rewards/reward_function.h). The sample a verifier sees
// is the prompt's JSON record (its task fields: answer, numbers, target, ...)
// plus "response" = the completion text and "response_tokens" = its number
// of generated tokens (overriding any such field of the record: the length
// verifier's default field); the components list is chosen by the
// record's "task" field (else the "*" list).
// Reported: total = weighted sum; components[name] = the component's
// (unweighted) score; correct = the "correctness" component's verdict if
// there is one, else the first component's.
// Thread safety: as RewardFunction (reentrant).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "learner/trainer/trainer_parts.h"
#include "rewards/reward_function.h"

namespace rlzero {

class RewardScorer : public CompletionScorer {
 public:
  static StatusOr<std::unique_ptr<RewardScorer>> Create(const rewards::RewardsConfig& config);
  StatusOr<CompletionScore> Score(const TaskPrompt& prompt,
                                  const SampledCompletion& completion) override;

 private:
  StatusOr<const rewards::RewardFunction*> ForTask(const std::string& task);
  rewards::RewardsConfig config_;
  std::map<std::string, std::unique_ptr<rewards::RewardFunction>> by_task_;
};

}  // namespace rlzero
