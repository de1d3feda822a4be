// learner/token_logprobs.cc: log_softmax + gather, entropy from the same
// normalised log-probs.
#include "learner/token_logprobs.h"

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

}  // namespace rlzero
