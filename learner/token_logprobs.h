// learner/token_logprobs.h: log-probabilities of the target tokens and the
// per-position entropy from a model's logits.
//
// Shapes: logits [B, T, V] (any float dtype; computed in float32), targets
// [B, T] int64. Returns logprobs [B, T] float32 (differentiable) and the
// entropy [B, T] float32 (-sum_v p log p): undefined for kNone, computed
// without a graph for kDetached (metrics only), differentiable for
// kDifferentiable (entropy bonus).
// Non-goals: vocabulary chunking (the policy library's shared TokenLogProbs
// will replace this once it lands). Thread safety: pure function.
#pragma once

#include <utility>

#include "policy/torch_compat.h"

namespace rlzero {

enum class EntropyMode { kNone, kDetached, kDifferentiable };

std::pair<torch::Tensor, torch::Tensor> TokenLogProbsAndEntropy(const torch::Tensor& logits,
                                                                const torch::Tensor& targets,
                                                                EntropyMode entropy_mode);

}  // namespace rlzero
