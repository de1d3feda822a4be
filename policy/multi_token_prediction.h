// policy/multi_token_prediction.h: Multi-Token Prediction (DeepSeek-V3 report,
// section 2.2) as a capability of a CausalLM, and its training loss.
//
// A family with MTP modules implements MultiTokenPredictor beside CausalLM
// (policy/deepseek/deepseek_v3.h); AsMultiTokenPredictor finds it and returns
// null for models without modules, so `rlzero sft` needs no model_type switch.
// Module k (0-based) reads the previous depth's hidden state at position i and
// the embedding of token i+k+1, and predicts token i+k+2.
// Shapes: B batch, T tokens, C hidden, V vocabulary.
// Thread safety: as the model.
// Non-goals: speculative decoding with the modules (rollout/ does not use them).
#pragma once

#include <utility>

#include "policy/causal_lm.h"

namespace rlzero {

class MultiTokenPredictor {
 public:
  virtual ~MultiTokenPredictor() = default;
  virtual int64_t num_mtp_modules() const = 0;
  // hidden [B, L, C]: depth k's input (the main model's Forward output for
  // k = 0); next_ids [B, L]: token i+k+1 for each position i; positions
  // [B, L]. Causal attention over the L positions. Returns (logits [B, L, V]
  // predicting token i+k+2, this depth's hidden [B, L, C]).
  virtual std::pair<torch::Tensor, torch::Tensor> MtpForward(int64_t k, const torch::Tensor& hidden,
                                                             const torch::Tensor& next_ids,
                                                             const torch::Tensor& positions) = 0;
};

// The model's MTP interface, or nullptr if it has none (or zero modules).
MultiTokenPredictor* AsMultiTokenPredictor(CausalLM& model);

// Per-depth summed cross-entropy of the MTP modules, chained as in DeepSeek-V3
// (depth k's input is depth k-1's output hidden state).
// hidden: [B, T, C] the main model's final hidden states for input_ids [B, T];
// loss_mask: [B, T] bool/int, true where token t is a real target that carries
// loss (e.g. a response token). Returns [D] float32, D = num_mtp_modules():
// entry k = sum over positions i with loss_mask[i+k+2] of
// -log p_k(input_ids[i+k+2]); differentiable w.r.t. hidden and the modules.
// Depths that have no target (T < k+3) contribute 0.
torch::Tensor MtpLossSums(MultiTokenPredictor& mtp, const torch::Tensor& hidden,
                          const torch::Tensor& input_ids, const torch::Tensor& loss_mask);

}  // namespace rlzero
