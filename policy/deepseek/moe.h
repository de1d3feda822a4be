// policy/deepseek/moe.h: DeepSeek-V3 Mixture-of-Experts feed-forward, and the
// SwiGLU MLP it is made of.
//
// Routing (transformers' DeepseekV3TopkRouter): router logits in float32;
// scores = sigmoid (or softmax with scoring_func softmax, the Qwen-MoE /
// Mixtral style); selection uses scores + e_score_correction_bias, limited to
// the best topk_group of n_group groups (a group's score = sum of its top-2);
// the weights are the unbiased scores of the chosen experts, normalised when
// norm_topk_prob, times routed_scaling_factor. Shared experts always run.
// Tokens are grouped by expert for the matmuls (one batched matmul per expert
// that has tokens), never a per-token loop.
// Auxiliary-loss-free balancing: Forward counts tokens per expert (only the
// tokens set_load_mask marks, when a mask is set: a trainer's right padding is
// routed but not counted); the learner calls UpdateBias(rate) after a step (or
// UpdateBiasFrom with loads summed over data-parallel ranks) to nudge the bias
// toward uniform load (bias += rate * sign(mean_load - load)), DeepSeek-V3
// section 2.1.2.
// Weight names: gate.weight [E, C], gate.e_score_correction_bias [E] (a
// parameter without gradient), experts.E.{gate,up,down}_proj.weight, shared_experts.*.
#pragma once

#include "policy/causal_lm.h"
#include "policy/deepseek/deepseek_v3_config.h"

namespace rlzero::deepseek {

class SwiGluMlpImpl : public torch::nn::Module {
 public:
  SwiGluMlpImpl(int64_t hidden, int64_t intermediate);
  torch::Tensor forward(const torch::Tensor& x);  // [..., C] -> [..., C]
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(SwiGluMlp);

class TopkRouterImpl : public torch::nn::Module {
 public:
  explicit TopkRouterImpl(const DeepseekV3Config& c);
  // x [N, C] -> (expert indices [N, K] int64, weights [N, K] float32).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);
  torch::Tensor weight;                   // [E, C]
  torch::Tensor e_score_correction_bias;  // [E]

 private:
  int64_t experts_, top_k_, n_group_, topk_group_;
  bool norm_topk_prob_, sigmoid_;
  double scaling_;
};
TORCH_MODULE(TopkRouter);

class MoeImpl : public torch::nn::Module {
 public:
  explicit MoeImpl(const DeepseekV3Config& c);
  torch::Tensor forward(const torch::Tensor& x);  // [B,T,C] -> [B,T,C]
  // Tokens routed to each expert since the last UpdateBias/ResetLoad, [E] int64.
  torch::Tensor expert_load() const { return load_; }
  void ResetLoad();
  // counted: [B, T] bool (any dtype; nonzero = counted) over the tokens of the
  // next forward passes, or undefined to count every token (the default).
  // A forward whose token count differs from counted.numel() throws
  // c10::Error naming both counts.
  void set_load_mask(const torch::Tensor& counted);
  // Nudges e_score_correction_bias toward uniform load, then resets the counts.
  void UpdateBias(double rate);
  // The same from the given counts ([E], any numeric dtype, any device; e.g.
  // this layer's load summed over data-parallel ranks) instead of this
  // replica's own; resets the counts too.
  void UpdateBiasFrom(const torch::Tensor& load, double rate);

  TopkRouter gate{nullptr};
  torch::nn::ModuleList experts{nullptr};
  SwiGluMlp shared_experts{nullptr};

 private:
  int64_t num_experts_;
  torch::Tensor load_;
  torch::Tensor load_mask_;  // [N] bool, or undefined: count every token
};
TORCH_MODULE(Moe);

}  // namespace rlzero::deepseek
