// rollout/sampling/sampler_chain.h: turns one row of logits into one token and
// its log-prob, following SamplingParams: temperature stage, log-prob taken,
// truncation stages (top-k, top-p, min-p), then the pick (greedy argmax, or
// inverse-CDF with the seeded uniform of seeded_uniform.h).
//
// Log-prob returned: log softmax(logits / T)[token], over the full vocabulary,
// after temperature and before truncation (T = 1 when greedy), computed in
// double from float32 logits.
// Non-goals: repetition penalties, logit bias, beam search.
// Thread safety: Sample is const; give each thread its own Candidates.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/status.h"
#include "rollout/sampling/candidates.h"
#include "rollout/sampling/sampler_stage.h"
#include "rollout/sampling_params.h"

namespace rlzero {

struct SampledToken {
  int32_t token = -1;
  float logprob = 0;
};

class SamplerChain {
 public:
  // Validates params and builds the stages they switch on.
  static StatusOr<SamplerChain> FromParams(const SamplingParams& params);

  // logits: [vocab] float32 in id order. u: uniform in [0, 1) (ignored when
  // greedy). scratch: reused working set.
  SampledToken Sample(const float* logits, int64_t vocab, double u, Candidates* scratch) const;

  bool greedy() const { return greedy_; }
  // Names of the stages in order, e.g. {"temperature", "top_k"} (for logs/tests).
  std::vector<std::string> StageNames() const;

 private:
  bool greedy_ = false;
  std::shared_ptr<const SamplerStage> temperature_;               // null when greedy
  std::vector<std::shared_ptr<const SamplerStage>> truncations_;  // in order
};

}  // namespace rlzero
