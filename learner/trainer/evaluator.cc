// learner/trainer/evaluator.cc
#include "learner/trainer/evaluator.h"

namespace rlzero {

double PassAtK(int64_t n, int64_t c, int64_t k) {
  if (k <= 0 || n < k) return 0.0;
  if (n - c < k) return 1.0;
  // 1 - prod_{i=n-c+1}^{n} (1 - k / i), numerically stable.
  double miss = 1.0;
  for (int64_t i = n - c + 1; i <= n; ++i) miss *= 1.0 - static_cast<double>(k) / i;
  return 1.0 - miss;
}

StatusOr<EvalResult> Evaluate(const std::vector<TaskPrompt>& prompts, RolloutSource& sampler,
                              CompletionScorer& scorer, int n, const std::vector<int64_t>& ks,
                              uint64_t seed, int64_t batch_prompts) {
  if (n < 1) return InvalidArgument("eval: samples per prompt must be >= 1");
  if (batch_prompts < 1) return InvalidArgument("eval: batch_prompts must be >= 1");
  EvalResult r;
  r.prompts = static_cast<int64_t>(prompts.size());
  r.samples_per_prompt = n;
  double reward_sum = 0, tokens_sum = 0, truncated = 0;
  for (size_t begin = 0; begin < prompts.size(); begin += batch_prompts) {
    size_t end = std::min(prompts.size(), begin + static_cast<size_t>(batch_prompts));
    std::vector<std::vector<int32_t>> ids;
    for (size_t i = begin; i < end; ++i) ids.push_back(prompts[i].ids);
    RLZ_ASSIGN_OR_RETURN(auto completions, sampler.Generate(ids, n, seed + begin));
    if (completions.size() != ids.size() * static_cast<size_t>(n))
      return Internal("eval: sampler returned " + std::to_string(completions.size()) +
                      " completions for " + std::to_string(ids.size() * n));
    for (size_t i = begin; i < end; ++i) {
      int64_t correct = 0;
      for (int j = 0; j < n; ++j) {
        const SampledCompletion& c = completions[(i - begin) * n + j];
        RLZ_ASSIGN_OR_RETURN(CompletionScore s, scorer.Score(prompts[i], c));
        correct += s.correct ? 1 : 0;
        reward_sum += s.reward;
        tokens_sum += static_cast<double>(c.token_ids.size());
        truncated += c.finish_reason == "length" ? 1 : 0;
      }
      r.correct_per_prompt.push_back(correct);
    }
  }
  const double total = static_cast<double>(prompts.size()) * n;
  for (int64_t k : ks) {
    if (k < 1 || k > n) continue;
    double sum = 0;
    for (int64_t c : r.correct_per_prompt) sum += PassAtK(n, c, k);
    r.pass_at_k[k] = prompts.empty() ? 0.0 : sum / prompts.size();
  }
  if (total > 0) {
    r.mean_reward = reward_sum / total;
    r.mean_response_tokens = tokens_sum / total;
    r.truncated_frac = truncated / total;
  }
  return r;
}

}  // namespace rlzero
