// learner/trainer/naive_rollout_source.h: a RolloutSource that samples with
// full forward passes (no KV cache): ancestral sampling at a temperature,
// stopping at an EOS id or max_new_tokens, recording log softmax(logits / T)
// of each sampled token as the behaviour log-prob.
//
// Why it exists: a reference sampler for tests and a fallback for `rlzero
// train` while the rollout engine (rollout/, continuous batching with a KV
// cache) is not wired in; it costs O(T^2) per sequence, fine for tiny models
// only. Randomness: one CPU generator per (seed, prompt), so the output is a
// function of (prompts, n, seed). Thread safety: one Generate at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "learner/trainer/trainer_parts.h"
#include "policy/causal_lm.h"

namespace rlzero {

struct NaiveSamplerOptions {
  double temperature = 1.0;
  int max_new_tokens = 64;
  std::vector<int32_t> eos_token_ids;
  // Turns token ids into text (for the scorer); may be null (text stays empty).
  std::function<std::string(const std::vector<int32_t>&)> decode;
};

class NaiveRolloutSource : public RolloutSource {
 public:
  NaiveRolloutSource(std::shared_ptr<CausalLM> model, NaiveSamplerOptions options);
  StatusOr<std::vector<SampledCompletion>> Generate(
      const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) override;

 private:
  std::shared_ptr<CausalLM> model_;
  NaiveSamplerOptions options_;
};

}  // namespace rlzero
