// learner/grpo_objective.h: the full per-micro-batch GRPO objective,
// composed from the named parts:
//   per-token  l = w * PolicyLoss(logp, old_logp, A) + beta * KL(logp, ref_logp)
//                  - entropy_coef * H
//   loss       = LossAggregation(l, mask, mini-batch scale)
// where w = min(exp(old_logp - behaviour_logp), tis_cap) (detached) is the
// truncated importance-sampling weight that corrects the mismatch between the
// rollout worker's log-probs and the learner's (tis_cap = 0: w = 1).
//
// Shapes: every per-token tensor is [B, T] float, aligned on target tokens;
// advantages [B]; mask [B, T] float (1 = completion token that counts).
// ref_logprobs may be undefined iff beta == 0; entropy may be undefined iff
// entropy_coef == 0 (then the entropy metric sum is 0).
// Thread safety: immutable after construction.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "learner/kl_estimator.h"
#include "learner/loss_aggregation.h"
#include "learner/policy_loss.h"
#include "policy/torch_compat.h"

namespace rlzero {

struct ObjectiveOptions {
  std::string policy_loss = "ppo_clip";
  PolicyLossOptions clip;
  std::string loss_aggregation = "token-mean";
  std::string kl_estimator = "k3";
  double beta = 0.0;          // KL coefficient; 0 = no reference model at all
  double entropy_coef = 0.0;  // entropy bonus coefficient
  double tis_cap = 2.0;       // truncated IS cap C; 0 = off
};

struct ObjectiveInputs {
  torch::Tensor logprobs;            // [B, T] pi_theta, requires grad
  torch::Tensor entropy;             // [B, T] or undefined
  torch::Tensor old_logprobs;        // [B, T] pi_old
  torch::Tensor behaviour_logprobs;  // [B, T] recorded by the rollout worker
  torch::Tensor ref_logprobs;        // [B, T] or undefined
  torch::Tensor advantages;          // [B]
  torch::Tensor mask;                // [B, T]
};

// Masked sums over this micro-batch's counted tokens, for metrics.
struct ObjectiveSums {
  double tokens = 0;
  double policy_loss = 0;
  double kl = 0;
  double entropy = 0;
  double clipped_low = 0;
  double clipped_high = 0;
  double tis_truncated = 0;  // tokens whose IS weight hit the cap
  void Add(const ObjectiveSums& o);
};

struct ObjectiveOutput {
  torch::Tensor loss;  // scalar, differentiable
  ObjectiveSums sums;
};

class GrpoObjective {
 public:
  static StatusOr<std::unique_ptr<GrpoObjective>> Create(const ObjectiveOptions& options);
  ObjectiveOutput Compute(const ObjectiveInputs& in, const AggregationScale& scale) const;
  const ObjectiveOptions& options() const { return options_; }

 private:
  GrpoObjective() = default;
  ObjectiveOptions options_;
  std::unique_ptr<PolicyLoss> policy_loss_;
  std::unique_ptr<LossAggregation> aggregation_;
  std::unique_ptr<KlEstimator> kl_;
};

}  // namespace rlzero
