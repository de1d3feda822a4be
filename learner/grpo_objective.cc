// learner/grpo_objective.cc: composition of policy loss, truncated IS, KL and
// entropy terms (see header).
#include "learner/grpo_objective.h"

namespace rlzero {

void ObjectiveSums::Add(const ObjectiveSums& o) {
  tokens += o.tokens;
  policy_loss += o.policy_loss;
  kl += o.kl;
  entropy += o.entropy;
  clipped_low += o.clipped_low;
  clipped_high += o.clipped_high;
  tis_truncated += o.tis_truncated;
}

StatusOr<std::unique_ptr<GrpoObjective>> GrpoObjective::Create(const ObjectiveOptions& options) {
  if (options.beta < 0) return InvalidArgument("grpo.beta: must be >= 0");
  if (options.entropy_coef < 0) return InvalidArgument("grpo.entropy_coef: must be >= 0");
  if (options.tis_cap != 0.0 && !(options.tis_cap >= 1.0)) {
    return InvalidArgument("grpo.tis_cap: must be 0 (off) or >= 1");
  }
  std::unique_ptr<GrpoObjective> obj(new GrpoObjective());
  obj->options_ = options;
  RLZ_ASSIGN_OR_RETURN(obj->policy_loss_, MakePolicyLoss(options.policy_loss, options.clip));
  RLZ_ASSIGN_OR_RETURN(obj->aggregation_, MakeLossAggregation(options.loss_aggregation));
  RLZ_ASSIGN_OR_RETURN(obj->kl_, MakeKlEstimator(options.kl_estimator));
  return obj;
}

ObjectiveOutput GrpoObjective::Compute(const ObjectiveInputs& in,
                                       const AggregationScale& scale) const {
  const torch::Tensor& mask = in.mask;
  torch::Tensor adv = in.advantages.unsqueeze(1).expand_as(in.logprobs);  // [B, T]
  PolicyLossOutput pg = policy_loss_->Compute(in.logprobs, in.old_logprobs, adv);

  torch::Tensor per_token = pg.per_token_loss;
  ObjectiveSums sums;
  if (options_.tis_cap > 0.0) {
    torch::Tensor raw = torch::exp((in.old_logprobs - in.behaviour_logprobs).clamp(-20.0, 20.0));
    torch::Tensor w = raw.clamp_max(options_.tis_cap).detach();
    per_token = per_token * w;
    sums.tis_truncated = ((raw > options_.tis_cap).to(torch::kFloat32) * mask).sum().item<double>();
  }
  sums.policy_loss = (per_token * mask).sum().item<double>();
  if (options_.beta > 0.0) {
    torch::Tensor kl = kl_->PerToken(in.logprobs, in.ref_logprobs);
    per_token = per_token + options_.beta * kl;
    sums.kl = (kl.detach() * mask).sum().item<double>();
  }
  if (in.entropy.defined()) {
    sums.entropy = (in.entropy.detach() * mask).sum().item<double>();
    if (options_.entropy_coef > 0.0) per_token = per_token - options_.entropy_coef * in.entropy;
  }
  sums.tokens = mask.sum().item<double>();
  sums.clipped_low = (pg.clipped_low * mask).sum().item<double>();
  sums.clipped_high = (pg.clipped_high * mask).sum().item<double>();

  ObjectiveOutput out;
  out.loss = aggregation_->Aggregate(per_token, mask, scale);
  out.sums = sums;
  return out;
}

}  // namespace rlzero
