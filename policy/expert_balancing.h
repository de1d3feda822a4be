// policy/expert_balancing.h: what a CausalLM with routed experts offers the
// learner for DeepSeek-V3's auxiliary-loss-free load balancing (DeepSeek-V3
// report, section 2.1.2), and the load statistics logged per step.
//
// A family with MoE layers implements ExpertBalancing beside CausalLM
// (policy/deepseek/deepseek_v3.h); AsExpertBalancing finds it, and returns
// null for dense models, so callers need no model_type switch.
// Contract: every forward pass of the model (training or not) adds the tokens
// each expert was selected for to per-layer counters; ResetExpertLoads clears
// them; UpdateExpertBias(rate) moves each layer's selection bias by
// rate * sign(mean load - load) from the counts since the last reset, then
// clears them. The bias only chooses experts, it never weights them, so the
// update changes routing without touching the loss.
// Thread safety: as the model (one thread at a time).
// Non-goals: reducing counts across data-parallel ranks (a caller that shards
// the batch must sum the loads over ranks before updating, or biases diverge).
#pragma once

#include <vector>

#include "policy/causal_lm.h"

namespace rlzero {

class ExpertBalancing {
 public:
  virtual ~ExpertBalancing() = default;
  // Tokens routed to each expert since the last reset: one [E] int64 CPU
  // tensor per MoE layer, in layer order.
  virtual std::vector<torch::Tensor> ExpertLoads() = 0;
  virtual void ResetExpertLoads() = 0;
  // bias += rate * sign(mean(load) - load) per layer; then resets the counts.
  virtual void UpdateExpertBias(double rate) = 0;
};

// The model's balancing interface, or nullptr if it has no routed experts.
ExpertBalancing* AsExpertBalancing(CausalLM& model);

struct ExpertLoadStats {
  int64_t layers = 0;              // MoE layers with any routed token
  double max_over_mean = 0;        // max_e load / mean load, mean over layers (1 = uniform)
  double cv = 0;                   // population std / mean of the load, mean over layers
  double worst_max_over_mean = 0;  // the largest max/mean of any layer
};
// loads: per-layer [E] counts (any numeric dtype). Layers with no tokens are
// skipped; all zeros when none has any.
ExpertLoadStats ComputeExpertLoadStats(const std::vector<torch::Tensor>& loads);

}  // namespace rlzero
