// learner/policy_loss.h: per-token policy-gradient losses, chosen by name
// ("ppo_clip"), before aggregation, KL and entropy terms (grpo_objective.h).
//
// Shapes: logprobs (pi_theta, differentiable), old_logprobs (pi_old,
// constant) [B, T] float; advantages [B, T] float (a sequence's scalar
// advantage broadcast over its tokens). Output per_token_loss [B, T]; the
// clip indicators are 0/1 float [B, T] marking tokens whose gradient the clip
// removed: clipped_low (ratio below 1 - clip_low with A < 0), clipped_high
// (ratio above 1 + clip_high with A > 0, or beyond dual_clip with A < 0).
// Masking is the caller's job. Thread safety: immutable objects.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "policy/torch_compat.h"

namespace rlzero {

struct PolicyLossOptions {
  double clip_low = 0.2;   // epsilon_low: ratio floor 1 - clip_low
  double clip_high = 0.2;  // epsilon_high: ratio ceiling 1 + clip_high (DAPO: 0.28)
  double dual_clip = 0.0;  // c > 1 enables dual-clip (Ye et al., 2020); 0 = off
};

struct PolicyLossOutput {
  torch::Tensor per_token_loss;  // [B, T]
  torch::Tensor clipped_low;     // [B, T] 0/1
  torch::Tensor clipped_high;    // [B, T] 0/1
  torch::Tensor ratio;           // [B, T], detached
};

class PolicyLoss {
 public:
  virtual ~PolicyLoss() = default;
  virtual PolicyLossOutput Compute(const torch::Tensor& logprobs, const torch::Tensor& old_logprobs,
                                   const torch::Tensor& advantages) const = 0;
};

Status ValidatePolicyLossOptions(const PolicyLossOptions& options);
std::vector<std::string> PolicyLossNames();
StatusOr<std::unique_ptr<PolicyLoss>> MakePolicyLoss(const std::string& name,
                                                     const PolicyLossOptions& options);

}  // namespace rlzero
