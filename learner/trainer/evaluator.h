// learner/trainer/evaluator.h: pass@1 and unbiased pass@k of a policy on a
// task, with the same sampler and scorer the training loop uses. Behind
// `rlzero eval` and the before/after evaluation of `rlzero train`.
//
// pass@k is the unbiased estimator of Chen et al. (2021): with n samples of
// which c are correct, 1 - C(n-c, k) / C(n, k), averaged over prompts
// (requires n >= k). pass@1 with n = 1 and a greedy sampler is plain greedy
// accuracy.
// Thread safety: one Evaluate at a time per sampler.
#pragma once

#include <map>
#include <vector>

#include "learner/trainer/trainer_parts.h"

namespace rlzero {

double PassAtK(int64_t n, int64_t c, int64_t k);

struct EvalResult {
  int64_t prompts = 0;
  int64_t samples_per_prompt = 0;
  std::map<int64_t, double> pass_at_k;  // k -> estimate
  double mean_reward = 0.0;
  double mean_response_tokens = 0.0;
  double truncated_frac = 0.0;
  std::vector<int64_t> correct_per_prompt;
};

// Samples n completions per prompt (in batches of batch_prompts prompts),
// scores each, and estimates pass@k for every k in ks with k <= n.
StatusOr<EvalResult> Evaluate(const std::vector<TaskPrompt>& prompts, RolloutSource& sampler,
                              CompletionScorer& scorer, int n, const std::vector<int64_t>& ks,
                              uint64_t seed, int64_t batch_prompts = 64);

}  // namespace rlzero
