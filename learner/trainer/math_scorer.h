// learner/trainer/math_scorer.h: an interim CompletionScorer for `rlzero
// train` until the reward composition (rlzero_rewards) is wired in: the math
// verifier (verifiers/math) against the prompt's meta["answer"], reward 1 or
// 0, component "math". Thread safety: stateless.
#pragma once

#include "learner/trainer/trainer_parts.h"

namespace rlzero {

class MathScorer : public CompletionScorer {
 public:
  explicit MathScorer(bool fallback_last_number) : fallback_last_number_(fallback_last_number) {}
  StatusOr<CompletionScore> Score(const TaskPrompt& prompt,
                                  const SampledCompletion& completion) override;

 private:
  bool fallback_last_number_;
};

}  // namespace rlzero
