// policy/linear_logprobs.h: the fused "lm_head projection + log-softmax +
// gather" that turns final hidden states into log-probs of target tokens
// without ever holding [N, V] logits: rows are projected `chunk_tokens` at a
// time, and a custom autograd function recomputes each chunk's logits in its
// backward instead of saving them (activation checkpointing of the lm_head
// alone). For a 151,936-token vocabulary this is the difference between
// ~600 KB of float32 logits per token (plus the saved log_softmax) and one
// chunk's worth.
//
// Math (z = h W^T, p = softmax(z), t = target):
//   logprob = z_t - logsumexp(z),            d logprob / d z_j = 1[j = t] - p_j
//   entropy = H = -sum_j p_j log p_j,         d H / d z_j      = -p_j (log p_j + H)
//   grad h = dz W,  grad W = dz^T h  (accumulated over chunks in float32).
// Precision: logits are formed in the compute dtype, then log_softmax and
// everything after it run in float32. Compute dtype = the wider of hidden's
// and weight's dtypes, except that float32 inputs under an enabled autocast
// (policy/autocast_scope.h) for their device compute in the autocast dtype
// (bf16 matmuls with float32 master weights); backward recomputes in the
// same dtype as forward, so the gradient is that of the forward's function.
// Memory: forward saves only hidden, weight and targets; peak extra memory
// is a few [chunk, V] float32 temporaries (forward and backward) plus, under
// autocast, one low-precision copy of weight.
// Errors: shape mismatches raise c10::Error (programmer errors; callers
// across a library boundary catch them). Thread safety: pure function.
#pragma once

#include <cstdint>
#include <utility>

#include "policy/torch_compat.h"

namespace rlzero {

// hidden: [N, C]; weight: [V, C]; targets: [N] int64 in [0, V).
// chunk_tokens: rows per chunk; <= 0 = all N rows in one chunk.
// Returns logprobs [N] float32 and, if with_entropy, entropy [N] float32
// (else undefined). Both differentiable with respect to hidden and weight.
std::pair<torch::Tensor, torch::Tensor> LinearLogProbs(const torch::Tensor& hidden,
                                                       const torch::Tensor& weight,
                                                       const torch::Tensor& targets,
                                                       int64_t chunk_tokens, bool with_entropy);

}  // namespace rlzero
