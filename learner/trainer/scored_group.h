// learner/trainer/scored_group.h: one GRPO group (a prompt, its G sampled
// completions and their scores) and the two stages that make one: sample a
// draw of groups from a RolloutSource, then score every completion. The sync
// trainer and the async GroupProducer (group_producer.h) share these, so an
// async run with max_staleness 0 samples exactly what a sync run samples.
// Non-goals: advantages (the trainer computes them on the groups it keeps),
// retries (a failing source or scorer is an error of the step).
// Thread safety: free functions; the parts they are given must not be used
// by another thread at the same time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "learner/trainer/trainer_parts.h"

namespace rlzero {

struct ScoredGroup {
  TaskPrompt prompt;
  std::vector<SampledCompletion> completions;  // [G]
  std::vector<CompletionScore> scores;         // [G], filled by ScoreGroups
  std::vector<double> advantages;              // [G] if trained on, else empty
  // The policy version that sampled the group (the oldest of its
  // completions'); -1 until the caller or the source sets it.
  int64_t weights_version = -1;
};

// Draws `groups` prompts from `prompts` and samples `group_size` completions
// of each with `seed`. Adds the time spent to (*times)["sample"]. INTERNAL if
// the source returns the wrong number of completions or misaligned log-probs.
StatusOr<std::vector<ScoredGroup>> SampleGroups(PromptSource& prompts, RolloutSource& rollouts,
                                                int groups, int group_size, uint64_t seed,
                                                std::map<std::string, double>* times);

// Scores every completion of every group (appends to .scores). Adds the time
// to (*times)["score"]. A scorer error or a non-finite reward names the prompt.
Status ScoreGroups(CompletionScorer& scorer, std::vector<ScoredGroup>* groups,
                   std::map<std::string, double>* times);

// The oldest weights version among the completions (-1 if any is unknown).
int64_t OldestWeightsVersion(const std::vector<SampledCompletion>& completions);

}  // namespace rlzero
