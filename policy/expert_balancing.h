// policy/expert_balancing.h: what a CausalLM with routed experts offers the
// learner for DeepSeek-V3's auxiliary-loss-free load balancing (DeepSeek-V3
// report, section 2.1.2), and the load statistics logged per step.
//
// A family with MoE layers implements ExpertBalancing beside CausalLM
// (policy/deepseek/deepseek_v3.h); AsExpertBalancing finds it, and returns
// null for dense models, so callers need no model_type switch.
// Contract: every forward pass of the model (training or not) adds the tokens
// each expert was selected for to per-layer counters; while a load mask is set
// (SetExpertLoadMask, or ScopedExpertLoadMask) only the marked tokens count,
// so a trainer's right padding is routed but never counted; ResetExpertLoads
// clears the counters; UpdateExpertBias(rate) moves each layer's selection
// bias by rate * sign(mean load - load) from the counts since the last reset,
// then clears them. UpdateExpertBiasFrom does the same from loads the caller
// gives: a data-parallel learner sums every rank's ExpertLoads() (an
// all-reduce over its process group) and passes the sums, so every replica
// takes the same update, the one a single process would take on the global
// batch. The bias only chooses experts, it never weights them, so the update
// changes routing without touching the loss.
// Thread safety: as the model (one thread at a time).
// Non-goals: the reduction over ranks itself (learner/ owns the process group).
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
  // The same with `loads` (one [E] tensor per MoE layer, in ExpertLoads()
  // order, any numeric dtype and device) in place of this replica's counts.
  // A size mismatch throws c10::Error.
  virtual void UpdateExpertBiasFrom(const std::vector<torch::Tensor>& loads, double rate) = 0;
  // counted: [B, T] (nonzero = count this token) matching the input_ids of
  // the forward passes that follow, or undefined to count every token again.
  // A forward pass of another size throws c10::Error while it is set.
  virtual void SetExpertLoadMask(const torch::Tensor& counted) = 0;
};

// Sets a load mask for the lifetime of the scope and clears it on exit
// (exceptions included). balancing may be null (dense model): does nothing.
class ScopedExpertLoadMask {
 public:
  ScopedExpertLoadMask(ExpertBalancing* balancing, const torch::Tensor& counted);
  ~ScopedExpertLoadMask();
  ScopedExpertLoadMask(const ScopedExpertLoadMask&) = delete;
  ScopedExpertLoadMask& operator=(const ScopedExpertLoadMask&) = delete;

 private:
  ExpertBalancing* balancing_;
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
