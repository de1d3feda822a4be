// learner/trainer/remote_rollout_source.h: the RolloutSource adapter over
// remote rollout workers (rollout/remote_rollout_pool.h), used by `rlzero
// train --rollout-workers N` and by a learner whose workers run elsewhere.
//
// Contract: Generate(prompts, n, seed) samples with the configured params on
// the weights version last published, spread over the live workers, with
// dead or stalled workers' shares reassigned (none lost, none twice).
// PublishWeights(v) streams the policy's current weights to every worker; the
// first Generate publishes the current weights if nothing was published yet
// (so a resumed run never samples from the workers' start-up weights).
// Async mode: Generate (producer thread) may run while PublishWeights (trainer
// thread) pushes a newer version; each completion is stamped with the version
// the workers actually sampled with; CancelGeneration cancels the pool's RPCs.
// Thread safety: one Generate and one PublishWeights at a time, possibly
// concurrently; CancelGeneration from any thread.
#pragma once

#include <atomic>
#include <memory>

#include "learner/trainer/trainer_parts.h"
#include "rollout/remote_rollout_pool.h"

namespace rlzero {

class RemoteRolloutSource : public RolloutSource {
 public:
  RemoteRolloutSource(std::shared_ptr<CausalLM> policy, RemoteRolloutPool* pool,
                      SamplingParams params, int64_t max_staleness = 0);

  StatusOr<std::vector<SampledCompletion>> Generate(
      const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) override;
  Status PublishWeights(int64_t version) override;
  void CancelGeneration() override { pool_->CancelGeneration(); }

 private:
  std::shared_ptr<CausalLM> policy_;
  RemoteRolloutPool* pool_;
  SamplingParams params_;
  int64_t max_staleness_;
  std::atomic<int64_t> version_{0};
  std::atomic<bool> published_{false};
};

}  // namespace rlzero
