// learner/learner_config.h: the config sections the learner reads, one struct
// per component with defaults, FromConfig(ConfigReader&) and validation:
//   grpo:  advantage estimator, objective (clip, KL, entropy, TIS,
//          aggregation), epochs (mu), mini-batches, micro-batch token budget,
//          overlong filtering, log-prob chunking and bf16 autocast
//   optim: AdamW, gradient clipping, learning-rate schedule
//   moe:   auxiliary-loss-free expert balancing (MoE policies only)
// Unknown keys are reported by ConfigReader::Finish() naming the key.
// Thread safety: plain values.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "base/config.h"
#include "base/status.h"
#include "learner/advantage_estimator.h"
#include "learner/grpo_objective.h"
#include "learner/lr_schedule.h"

namespace rlzero {

struct GrpoConfig {
  std::string advantage = "grpo";  // grpo | dr_grpo | rloo
  AdvantageOptions advantage_options;
  ObjectiveOptions objective;
  // Which log-probs are pi_old in the PPO ratio: "learner" (recomputed by the
  // learner before the update; TIS then corrects the rollout mismatch) or
  // "behaviour" (as recorded by the rollout worker; TIS weight is then 1).
  std::string old_logprobs = "learner";
  int epochs = 1;                  // mu: passes over each batch
  int mini_batches = 1;            // optimiser steps per pass
  int64_t micro_batch_tokens = 0;  // padded tokens per micro-batch; 0 = whole mini-batch
  int64_t max_response_len = 0;    // Dr. GRPO constant; 0 = the sampler's max_tokens
  bool overlong_filter = false;    // mask truncated completions out of the loss
  // Execution (not the algorithm): how the learner computes log-probs.
  // Tokens per chunk of the fused lm_head + log-softmax with recomputing
  // backward (policy/linear_logprobs.h); 0 = full [B, T, V] float32 logits.
  int64_t logprob_chunk_tokens = 0;
  // "off" | "bfloat16": the policy's forward passes (old log-probs, reference
  // and training) run under LibTorch autocast to this dtype while parameters,
  // gradients and AdamW moments stay float32; log-softmax stays float32.
  std::string autocast = "off";

  static StatusOr<GrpoConfig> FromConfig(ConfigReader& r);
};

// grpo.autocast -> the autocast dtype (nullopt for "off"); fails naming the
// accepted values for anything else (float16 would need loss scaling).
StatusOr<std::optional<torch::ScalarType>> ParseAutocastDtype(const std::string& name);

struct OptimConfig {
  double lr = 1e-6;
  std::array<double, 2> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0.0;
  double grad_clip = 1.0;      // max global grad norm; 0 = off
  LrScheduleOptions schedule;  // lr is copied from above

  static StatusOr<OptimConfig> FromConfig(ConfigReader& r);
};

// DeepSeek-V3's auxiliary-loss-free balancing: after each optimiser step every
// MoE layer's selection bias moves by bias_update_speed * sign(mean - load)
// (the report's gamma; 0.001 for most of its pre-training). Dense policies
// ignore this section.
struct MoeBalanceConfig {
  double bias_update_speed = 0.001;  // 0 = off (loads are still logged)

  static StatusOr<MoeBalanceConfig> FromConfig(ConfigReader& r);
};

}  // namespace rlzero
