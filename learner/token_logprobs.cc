// learner/token_logprobs.cc: log_softmax + gather, entropy from the same
// normalised log-probs; the chunked variant delegates to the policy
// library's fused lm_head + log-softmax.
#include "learner/token_logprobs.h"

#include "policy/logprobs.h"

namespace rlzero {

std::pair<torch::Tensor, torch::Tensor> TokenLogProbsAndEntropy(const torch::Tensor& logits,
                                                                const torch::Tensor& targets,
                                                                EntropyMode entropy_mode) {
  torch::Tensor logp_all = torch::log_softmax(logits.to(torch::kFloat32), -1);  // [B, T, V]
  torch::Tensor logp = logp_all.gather(-1, targets.unsqueeze(-1)).squeeze(-1);  // [B, T]
  torch::Tensor entropy;
  if (entropy_mode == EntropyMode::kDifferentiable) {
    entropy = -(logp_all.exp() * logp_all).sum(-1);
  } else if (entropy_mode == EntropyMode::kDetached) {
    torch::NoGradGuard no_grad;
    torch::Tensor d = logp_all.detach();
    entropy = -(d.exp() * d).sum(-1);
  }
  return {logp, entropy};
}

std::pair<torch::Tensor, torch::Tensor> ChunkedTokenLogProbsAndEntropy(CausalLM& model,
                                                                       const torch::Tensor& hidden,
                                                                       const torch::Tensor& targets,
                                                                       EntropyMode entropy_mode,
                                                                       int64_t chunk_tokens) {
  // A detached entropy is still computed inside the fused pass (it costs one
  // reduction per chunk); its backward term is skipped because nothing
  // differentiates it.
  auto [logp, entropy] =
      LogProbsFromHidden(model, hidden, targets, chunk_tokens, entropy_mode != EntropyMode::kNone);
  if (entropy_mode == EntropyMode::kDetached) entropy = entropy.detach();
  return {logp, entropy};
}

}  // namespace rlzero
