// policy/logprobs.h: log-probabilities (and entropies) of given tokens under a
// CausalLM, the one computation the rollout engine and the learner share so
// their numbers agree.
//
// Contract:
//   - Always float32, whatever the weights' dtype: logits of a chunk are cast
//     to float32 before log_softmax.
//   - Chunked: at most `chunk_tokens` positions (over the whole batch) are
//     turned into logits at a time, so a 150k vocabulary never materialises a
//     [B, T, V] float32 tensor, neither in forward nor for backward: when
//     gradients are needed and the model exposes OutputEmbedding(), a custom
//     autograd function recomputes each chunk's logits in backward instead of
//     keeping them (activation checkpointing of the lm_head only;
//     policy/linear_logprobs.h, which also states the autocast behaviour).
//   - Differentiable with respect to the hidden states and the output
//     embedding (hence every model parameter), for the learner.
//   - Padding: attention_mask [B, T] (1 = real token, 0 = padding; left,
//     right or both) gives RoPE positions counting real tokens only and an
//     attention mask over real keys, so a padded row scores exactly like the
//     same row unpadded.
// Shapes: B batch, T tokens, C hidden, V vocabulary.
// Thread safety: as the model (one thread at a time).
#pragma once

#include <cstdint>

#include "policy/causal_lm.h"

namespace rlzero {

struct TokenLogProbsResult {
  // [B, T-1] float32: logprobs[b, t] = log p(input_ids[b, t+1] | input_ids[b, <=t]);
  // 0 where `mask` is false.
  torch::Tensor logprobs;
  // [B, T-1] float32 entropy of the predictive distribution at t; undefined
  // unless asked for; 0 where `mask` is false.
  torch::Tensor entropy;
  // [B, T-1] bool: target t+1 is a real token at or after the completion start.
  torch::Tensor mask;
  // [B, T, C] the pass's final hidden states (for auxiliary heads such as
  // MTP, policy/multi_token_prediction.h); part of the autograd graph.
  torch::Tensor hidden;
};

// attention_mask: [B, T] (any integer or bool type) -> RoPE positions [B, T]
// int64: the number of real tokens before each token (0 for padding).
torch::Tensor PositionsFromPaddingMask(const torch::Tensor& attention_mask);
// attention_mask: [B, T] -> bool [B, 1, T, T]: causal, and only real keys.
torch::Tensor CausalPaddingAttnMask(const torch::Tensor& attention_mask);

// hidden: [B, T, C] final hidden states (after the final norm); targets:
// [B, T] int64. Returns float32 [B, T] log p(targets | hidden) and, if
// with_entropy, the entropy [B, T] (else undefined).
std::pair<torch::Tensor, torch::Tensor> LogProbsFromHidden(CausalLM& model,
                                                           const torch::Tensor& hidden,
                                                           const torch::Tensor& targets,
                                                           int64_t chunk_tokens, bool with_entropy);

// input_ids: [B, T] int64 (T >= 2). attention_mask: [B, T] or undefined (all
// real). completion_start: [B] int64 index into T of each row's first
// completion token, or undefined (score every token). Runs the model once.
TokenLogProbsResult TokenLogProbs(CausalLM& model, const torch::Tensor& input_ids,
                                  const torch::Tensor& attention_mask,
                                  const torch::Tensor& completion_start,
                                  int64_t chunk_tokens = 1024, bool with_entropy = false);

}  // namespace rlzero
