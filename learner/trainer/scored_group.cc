// learner/trainer/scored_group.cc: sampling and scoring one draw of groups
// (see header).
#include "learner/trainer/scored_group.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace rlzero {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int64_t OldestWeightsVersion(const std::vector<SampledCompletion>& completions) {
  int64_t oldest = -1;
  for (size_t i = 0; i < completions.size(); ++i) {
    const int64_t v = completions[i].weights_version;
    if (v < 0) return -1;
    oldest = i == 0 ? v : std::min(oldest, v);
  }
  return oldest;
}

StatusOr<std::vector<ScoredGroup>> SampleGroups(PromptSource& prompts, RolloutSource& rollouts,
                                                int groups_n, int group_size, uint64_t seed,
                                                std::map<std::string, double>* times) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<ScoredGroup> groups(groups_n);
  std::vector<std::vector<int32_t>> prompt_ids;
  for (ScoredGroup& g : groups) {
    auto next = prompts.Next();
    if (!next.ok()) {
      (*times)["sample"] += SecondsSince(start);
      return next.status();
    }
    g.prompt = std::move(next).value();
    prompt_ids.push_back(g.prompt.ids);
  }
  auto completions = rollouts.Generate(prompt_ids, group_size, seed);
  (*times)["sample"] += SecondsSince(start);
  if (!completions.ok()) return completions.status();
  const size_t expected = groups.size() * static_cast<size_t>(group_size);
  if (completions->size() != expected) {
    return Internal("rollout source returned " + std::to_string(completions->size()) +
                    " completions, expected " + std::to_string(expected));
  }
  for (size_t i = 0; i < completions->size(); ++i) {
    SampledCompletion& c = (*completions)[i];
    if (c.logprobs.size() != c.token_ids.size()) {
      return Internal("rollout source: completion " + std::to_string(i) + " has " +
                      std::to_string(c.logprobs.size()) + " log-probs for " +
                      std::to_string(c.token_ids.size()) + " tokens");
    }
    groups[i / group_size].completions.push_back(std::move(c));
  }
  for (ScoredGroup& g : groups) g.weights_version = OldestWeightsVersion(g.completions);
  return groups;
}

Status ScoreGroups(CompletionScorer& scorer, std::vector<ScoredGroup>* groups,
                   std::map<std::string, double>* times) {
  const auto start = std::chrono::steady_clock::now();
  Status status = Status::Ok();
  for (ScoredGroup& g : *groups) {
    for (const SampledCompletion& c : g.completions) {
      auto score = scorer.Score(g.prompt, c);
      if (!score.ok()) {
        status = score.status().WithContext("scoring prompt " + g.prompt.id);
        break;
      }
      if (!std::isfinite(score->reward)) {
        status = InvalidArgument("scoring prompt " + g.prompt.id + ": non-finite reward");
        break;
      }
      g.scores.push_back(std::move(score).value());
    }
    if (!status.ok()) break;
  }
  (*times)["score"] += SecondsSince(start);
  return status;
}

}  // namespace rlzero
