// tests/learner/tiny_moe_policy.h: the tiny deepseek_v3 MoE policy (MLA, one
// dense layer then one MoE layer of 8 routed experts, top-2, one shared
// expert) that the learner's expert-balancing tests train. Test-only.
#pragma once

#include <memory>

#include "policy/deepseek/deepseek_v3.h"

namespace rlzero::testing {

inline deepseek::DeepseekV3Config TinyMoeConfig() {
  deepseek::DeepseekV3Config c;
  c.vocab_size = 16;
  c.hidden_size = 16;
  c.intermediate_size = 24;
  c.moe_intermediate_size = 8;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.num_key_value_heads = 2;
  c.n_shared_experts = 1;
  c.n_routed_experts = 8;
  c.n_group = 1;
  c.topk_group = 1;
  c.num_experts_per_tok = 2;
  c.first_k_dense_replace = 1;
  c.kv_lora_rank = 8;
  c.q_lora_rank = 0;
  c.qk_rope_head_dim = 4;
  c.qk_nope_head_dim = 4;
  c.v_head_dim = 4;
  c.max_position_embeddings = 64;
  return c;
}

// The tiny policy initialised with `seed`, its MoE layer's bias favouring
// experts 0 and 1 by `skew` (sigmoid scores are 0.5 +- 0.02, so 0.15 sends
// nearly every token to them).
inline std::shared_ptr<deepseek::DeepseekV3ForCausalLM> TinyMoePolicy(uint64_t seed, double skew) {
  auto model = std::make_shared<deepseek::DeepseekV3ForCausalLM>(TinyMoeConfig());
  model->InitWeights(seed);
  torch::NoGradGuard ng;
  auto bias = model->MoeLayers()[0]->gate->e_score_correction_bias;
  bias[0].fill_(skew);
  bias[1].fill_(skew);
  return model;
}

}  // namespace rlzero::testing
