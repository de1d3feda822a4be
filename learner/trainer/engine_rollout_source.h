// learner/trainer/engine_rollout_source.h: the RolloutSource adapter over the
// rollout engine (rollout/rollout_engine.h): continuous batching with a KV
// cache, on the very module the learner trains (updated in place, so
// publishing weights needs nothing). The trainer's n and seed replace the
// request's; everything else (temperature, top-p/k, min-p, stops,
// max_new_tokens) comes from the `rollout` config section.
// Thread safety: one Generate at a time (the engine's rule).
#pragma once

#include <memory>

#include "learner/trainer/trainer_parts.h"
#include "rollout/rollout_engine.h"

namespace rlzero {

// The engine's completions as the trainer's SampledCompletions (moved).
std::vector<SampledCompletion> ToSampledCompletions(std::vector<Completion>&& completions);

class EngineRolloutSource : public RolloutSource {
 public:
  EngineRolloutSource(std::unique_ptr<RolloutEngine> engine, SamplingParams params)
      : engine_(std::move(engine)), params_(std::move(params)) {}
  StatusOr<std::vector<SampledCompletion>> Generate(
      const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) override;

 private:
  std::unique_ptr<RolloutEngine> engine_;
  SamplingParams params_;
};

}  // namespace rlzero
