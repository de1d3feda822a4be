// learner/trainer/reward_scorer.cc: RewardFunction -> CompletionScore.
#include "learner/trainer/reward_scorer.h"

namespace rlzero {

StatusOr<std::unique_ptr<RewardScorer>> RewardScorer::Create(const rewards::RewardsConfig& config) {
  std::unique_ptr<RewardScorer> s(new RewardScorer());
  s->config_ = config;
  // Build every list now so a bad component fails at start-up, not mid-run.
  for (const auto& [task, specs] : config.by_task) {
    auto fn = rewards::RewardFunction::Create(specs, verifiers::VerifierEnv{});
    if (!fn.ok()) return fn.status().WithContext("rewards (" + task + ")");
    s->by_task_[task] = std::move(fn).value();
  }
  return s;
}

StatusOr<const rewards::RewardFunction*> RewardScorer::ForTask(const std::string& task) {
  auto it = by_task_.find(task);
  if (it != by_task_.end()) return it->second.get();
  it = by_task_.find("*");
  if (it != by_task_.end()) return it->second.get();
  return NotFound("rewards: no component list for task '" + task + "'");
}

StatusOr<CompletionScore> RewardScorer::Score(const TaskPrompt& prompt,
                                              const SampledCompletion& completion) {
  Json sample = prompt.meta.is_object() ? prompt.meta : Json::object();
  sample["response"] = completion.text;
  // The generated token count (length-based components such as DAPO's soft
  // overlong penalty read it); the sampler's own count, never the dataset's.
  sample["response_tokens"] = static_cast<int64_t>(completion.token_ids.size());
  const std::string task = sample.contains("task") && sample["task"].is_string()
                               ? sample["task"].get<std::string>()
                               : "*";
  RLZ_ASSIGN_OR_RETURN(const rewards::RewardFunction* fn, ForTask(task));
  rewards::Reward r = fn->Score(sample);
  CompletionScore s;
  s.reward = r.total;
  const rewards::ComponentScore* judge = nullptr;
  for (const auto& c : r.components) {
    s.components[c.name] = c.score;
    if (c.name == "correctness") judge = &c;
  }
  if (judge == nullptr && !r.components.empty()) judge = &r.components.front();
  if (judge != nullptr) {
    s.correct = judge->correct;
    s.extracted_answer = judge->extracted;
    s.reason = judge->reason;
  }
  return s;
}

}  // namespace rlzero
