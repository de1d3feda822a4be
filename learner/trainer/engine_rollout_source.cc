// learner/trainer/engine_rollout_source.cc: RolloutEngine::Generate -> SampledCompletion.
#include "learner/trainer/engine_rollout_source.h"

namespace rlzero {

StatusOr<std::vector<SampledCompletion>> EngineRolloutSource::Generate(
    const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) {
  SamplingParams params = params_;
  params.n = n;
  params.seed = seed;
  const bool was_training = engine_->model().is_training();
  engine_->model().eval();
  auto completions = engine_->Generate(prompts, params);
  if (was_training) engine_->model().train();
  if (!completions.ok()) return completions.status();
  return ToSampledCompletions(std::move(completions).value());
}

std::vector<SampledCompletion> ToSampledCompletions(std::vector<Completion>&& completions) {
  std::vector<SampledCompletion> out;
  out.reserve(completions.size());
  for (Completion& c : completions) {
    SampledCompletion s;
    s.token_ids = std::move(c.token_ids);
    s.logprobs = std::move(c.logprobs);
    s.text = std::move(c.text);
    s.finish_reason = std::move(c.finish_reason);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace rlzero
