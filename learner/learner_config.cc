// learner/learner_config.cc: reading and validating the grpo / optim / moe sections.
#include "learner/learner_config.h"

#include <vector>

namespace rlzero {

StatusOr<std::optional<torch::ScalarType>> ParseAutocastDtype(const std::string& name) {
  if (name == "off") return std::optional<torch::ScalarType>();
  if (name == "bfloat16") return std::optional<torch::ScalarType>(torch::kBFloat16);
  if (name == "float16") {
    return InvalidArgument(
        "float16 autocast needs loss scaling, which is not implemented; use "
        "bfloat16 or off");
  }
  return InvalidArgument("unknown autocast dtype '" + name + "' (expected off or bfloat16)");
}

StatusOr<GrpoConfig> GrpoConfig::FromConfig(ConfigReader& r) {
  GrpoConfig c;
  ObjectiveOptions& o = c.objective;
  r.Get("advantage", &c.advantage);
  r.Get("adv_eps", &c.advantage_options.eps);
  r.Get("batch_norm_advantages", &c.advantage_options.batch_normalize);
  r.Get("policy_loss", &o.policy_loss);
  r.Get("clip_low", &o.clip.clip_low);
  r.Get("clip_high", &o.clip.clip_high);
  r.Get("dual_clip", &o.clip.dual_clip);
  r.Get("loss_aggregation", &o.loss_aggregation);
  r.Get("kl_estimator", &o.kl_estimator);
  r.Get("beta", &o.beta);
  r.Get("entropy_coef", &o.entropy_coef);
  r.Get("tis_cap", &o.tis_cap);
  r.Get("old_logprobs", &c.old_logprobs);
  r.Get("epochs", &c.epochs);
  r.Get("mini_batches", &c.mini_batches);
  r.Get("micro_batch_tokens", &c.micro_batch_tokens);
  r.Get("max_response_len", &c.max_response_len);
  r.Get("overlong_filter", &c.overlong_filter);
  r.Get("logprob_chunk_tokens", &c.logprob_chunk_tokens);
  r.Get("autocast", &c.autocast);

  auto check = [&](const Status& s, const char* key) {
    if (!s.ok()) r.RecordError(key, s.message());
  };
  check(MakeAdvantageEstimator(c.advantage).status(), "advantage");
  check(MakePolicyLoss(o.policy_loss, o.clip).status(), "policy_loss");
  check(MakeLossAggregation(o.loss_aggregation).status(), "loss_aggregation");
  check(MakeKlEstimator(o.kl_estimator).status(), "kl_estimator");
  check(GrpoObjective::Create(o).status(), "objective");
  if (c.old_logprobs != "learner" && c.old_logprobs != "behaviour") {
    r.RecordError("old_logprobs", "must be learner or behaviour");
  }
  if (c.epochs < 1) r.RecordError("epochs", "must be >= 1");
  if (c.mini_batches < 1) r.RecordError("mini_batches", "must be >= 1");
  if (c.micro_batch_tokens < 0) r.RecordError("micro_batch_tokens", "must be >= 0");
  if (c.max_response_len < 0) r.RecordError("max_response_len", "must be >= 0");
  if (c.logprob_chunk_tokens < 0) {
    r.RecordError("logprob_chunk_tokens", "must be >= 0 (0 = full logits)");
  }
  check(ParseAutocastDtype(c.autocast).status(), "autocast");
  if (!(c.advantage_options.eps > 0)) r.RecordError("adv_eps", "must be > 0");
  return c;
}

StatusOr<OptimConfig> OptimConfig::FromConfig(ConfigReader& r) {
  OptimConfig c;
  r.Get("lr", &c.lr);
  std::vector<double> betas = {c.betas[0], c.betas[1]};
  if (r.Get("betas", &betas)) {
    if (betas.size() != 2) {
      r.RecordError("betas", "must be a list of two numbers");
    } else {
      c.betas = {betas[0], betas[1]};
    }
  }
  r.Get("eps", &c.eps);
  r.Get("weight_decay", &c.weight_decay);
  r.Get("grad_clip", &c.grad_clip);
  r.Get("warmup_steps", &c.schedule.warmup_steps);
  r.Get("schedule", &c.schedule.kind);
  r.Get("total_steps", &c.schedule.total_steps);
  r.Get("min_lr_ratio", &c.schedule.min_lr_ratio);
  c.schedule.lr = c.lr;
  if (!(c.betas[0] >= 0 && c.betas[0] < 1 && c.betas[1] >= 0 && c.betas[1] < 1)) {
    r.RecordError("betas", "each must be in [0, 1)");
  }
  if (!(c.eps > 0)) r.RecordError("eps", "must be > 0");
  if (!(c.weight_decay >= 0)) r.RecordError("weight_decay", "must be >= 0");
  if (!(c.grad_clip >= 0)) r.RecordError("grad_clip", "must be >= 0");
  Status s = ValidateLrSchedule(c.schedule);
  // total_steps may be filled in later from the trainer's max_steps; only
  // report a cosine horizon problem when it was given explicitly.
  if (!s.ok() && !(c.schedule.kind == "cosine" && c.schedule.total_steps == 0)) {
    r.RecordError("schedule", s.message());
  }
  return c;
}

StatusOr<MoeBalanceConfig> MoeBalanceConfig::FromConfig(ConfigReader& r) {
  MoeBalanceConfig c;
  r.Get("bias_update_speed", &c.bias_update_speed);
  if (!(c.bias_update_speed >= 0)) r.RecordError("bias_update_speed", "must be >= 0 (0 = off)");
  return c;
}

}  // namespace rlzero
