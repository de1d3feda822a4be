// learner/token_logprobs.h: log-probabilities of the target tokens and the
// per-position entropy, from a model's logits (full path) or from its final
// hidden states (chunked path), plus the options that choose between them.
//
// Shapes: logits [B, T, V] (any float dtype; computed in float32), hidden
// [B, T, C], targets [B, T] int64. Both return logprobs [B, T] float32
// (differentiable) and the entropy [B, T] float32 (-sum_v p log p):
// undefined for kNone, without a graph for kDetached (metrics only),
// differentiable for kDifferentiable (entropy bonus).
// The chunked path (policy/linear_logprobs.h through policy/logprobs.h's
// LogProbsFromHidden) never holds more than chunk_tokens rows of [*, V]
// logits and recomputes them in backward; it agrees with the full path to
// float32 rounding (not bitwise: different summation order).
// Thread safety: pure functions (the model is used by one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "policy/causal_lm.h"

namespace rlzero {

enum class EntropyMode { kNone, kDetached, kDifferentiable };

// How the learner computes log-probs (from GrpoConfig's logprob_chunk_tokens
// and autocast).
struct LogProbOptions {
  int64_t chunk_tokens = 0;                   // 0 = full [B, T, V] logits
  std::optional<torch::ScalarType> autocast;  // forward's autocast dtype; nullopt = off
};

std::pair<torch::Tensor, torch::Tensor> TokenLogProbsAndEntropy(const torch::Tensor& logits,
                                                                const torch::Tensor& targets,
                                                                EntropyMode entropy_mode);

// hidden: the model's final hidden states at the scored positions. Uses the
// model's OutputEmbedding() (plain chunked Logits if it has none).
// chunk_tokens > 0.
std::pair<torch::Tensor, torch::Tensor> ChunkedTokenLogProbsAndEntropy(CausalLM& model,
                                                                       const torch::Tensor& hidden,
                                                                       const torch::Tensor& targets,
                                                                       EntropyMode entropy_mode,
                                                                       int64_t chunk_tokens);

}  // namespace rlzero
