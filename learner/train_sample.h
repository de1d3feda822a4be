// learner/train_sample.h: one scored completion as the learner consumes it.
// Torch-free so the trainer, the rollout adapters and tests build samples
// without LibTorch types.
//
// Alignment: per-token vectors have one entry per completion token
// (completion_ids.size()); entry j is about completion token j, predicted
// from prompt_ids + completion_ids[0..j). The learner fills old_logprobs and
// (if beta > 0) ref_logprobs; the rollout worker fills behaviour_logprobs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlzero {

struct TrainSample {
  std::vector<int32_t> prompt_ids;        // >= 1 token
  std::vector<int32_t> completion_ids;    // may be empty (then nothing to learn)
  std::vector<float> behaviour_logprobs;  // [completion], from the sampler
  std::vector<float> old_logprobs;        // [completion], learner, before the update
  std::vector<float> ref_logprobs;        // [completion], frozen reference (beta > 0)
  double advantage = 0.0;
  bool loss_masked = false;  // overlong-filtered: contributes no loss
  int64_t total_length() const {
    return static_cast<int64_t>(prompt_ids.size() + completion_ids.size());
  }
};

}  // namespace rlzero
