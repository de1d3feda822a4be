// learner/trainer/snapshot_rollout_source.h: in-process async sampling. A
// RolloutSource that samples (through an inner source) on its own copy of the
// policy, so generation can run on the GroupProducer's thread while the
// trainer's thread updates the trained module.
//
// Contract:
//   - PublishWeights(v) (trainer's thread) snapshots the trained module's
//     parameters and buffers (detached clones) as the pending version v; it
//     never waits for a running Generate.
//   - Generate (producer's thread) first copies the newest pending snapshot
//     into the sampling copy, then samples on it, and stamps every completion
//     with the version it was sampled with. Before any publish it samples on
//     the copy as given (version 0).
//   - `trained` and `sampling_copy` must have the same architecture (same
//     parameter and buffer names and shapes); the first copy checks it and
//     fails with FAILED_PRECONDITION naming the first mismatch.
// Cost: one clone of the weights per published version (memory: the copy plus
// at most one pending snapshot).
// Thread safety: PublishWeights and Generate may run concurrently (one of
// each at a time).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "learner/trainer/trainer_parts.h"
#include "policy/causal_lm.h"

namespace rlzero {

class SnapshotRolloutSource : public RolloutSource {
 public:
  // `inner` samples on `sampling_copy` (e.g. an EngineRolloutSource built over it).
  SnapshotRolloutSource(std::shared_ptr<CausalLM> trained, std::shared_ptr<CausalLM> sampling_copy,
                        std::unique_ptr<RolloutSource> inner);

  StatusOr<std::vector<SampledCompletion>> Generate(
      const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) override;
  Status PublishWeights(int64_t version) override;
  void CancelGeneration() override { inner_->CancelGeneration(); }

 private:
  struct Snapshot {
    int64_t version = 0;
    std::vector<std::pair<std::string, torch::Tensor>> tensors;  // parameters, then buffers
  };
  Status ApplyPending();  // on the Generate thread

  std::shared_ptr<CausalLM> trained_;
  std::shared_ptr<CausalLM> copy_;
  std::unique_ptr<RolloutSource> inner_;
  std::mutex pending_mu_;
  std::unique_ptr<Snapshot> pending_;  // guarded by pending_mu_
  int64_t version_ = 0;                // of copy_; the Generate thread's
};

}  // namespace rlzero
