// policy/deepseek/deepseek_v3_config.h: the `deepseek_v3` config.json fields,
// named exactly as transformers' DeepseekV3Config names them, and the derived
// rotary tables (default RoPE, or YaRN when rope_scaling says so).
//
// Non-goals: DeepSeek-V2's "greedy"/"group_limited_greedy" topk_method names
// (routing here is DeepSeek-V3's; scoring_func chooses sigmoid or softmax).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "policy/rope_scaling.h"

namespace rlzero::deepseek {

struct DeepseekV3Config {
  int64_t vocab_size = 129280;
  int64_t hidden_size = 7168;
  int64_t intermediate_size = 18432;     // dense MLP layers
  int64_t moe_intermediate_size = 2048;  // each expert
  int64_t num_hidden_layers = 61;
  int64_t num_attention_heads = 128;
  int64_t num_key_value_heads = 128;
  int64_t n_shared_experts = 1;
  int64_t n_routed_experts = 256;
  double routed_scaling_factor = 2.5;
  int64_t kv_lora_rank = 512;
  int64_t q_lora_rank = 1536;  // 0 = null (plain q_proj)
  int64_t qk_rope_head_dim = 64;
  int64_t v_head_dim = 128;
  int64_t qk_nope_head_dim = 128;
  int64_t n_group = 8;
  int64_t topk_group = 4;
  int64_t num_experts_per_tok = 8;
  int64_t first_k_dense_replace = 3;
  bool norm_topk_prob = true;
  std::string scoring_func = "sigmoid";  // or "softmax" (Qwen-MoE / Mixtral style)
  int64_t num_nextn_predict_layers = 0;  // MTP modules
  int64_t max_position_embeddings = 4096;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  bool rope_interleave = true;
  bool attention_bias = false;
  bool tie_word_embeddings = false;
  double initializer_range = 0.02;
  int64_t bos_token_id = 0;
  int64_t eos_token_id = 1;
  // yarn (DeepSeek-V3's long-context setting) or llama3; parsed and applied by
  // policy/rope_scaling.h. MLA multiplies its softmax scale by
  // YarnGetMscale(factor, mscale_all_dim)^2 when mscale_all_dim is set.
  std::optional<RopeScaling> rope_scaling;
  nlohmann::json extra;  // fields we carry through untouched (torch_dtype, ...)

  int64_t qk_head_dim() const { return qk_nope_head_dim + qk_rope_head_dim; }
  bool is_moe_layer(int64_t layer) const {
    return n_routed_experts > 0 && layer >= first_k_dense_replace;
  }

  // Parses and validates; errors name `where` (the config.json path) and the field.
  static StatusOr<DeepseekV3Config> FromJson(const nlohmann::json& j, const std::string& where);
  // config.json as transformers writes it (model_type deepseek_v3).
  nlohmann::json ToJson() const;
};

// DeepSeek's yarn_get_mscale is rlzero::YarnGetMscale (policy/rope_scaling.h).
using ::rlzero::YarnGetMscale;

}  // namespace rlzero::deepseek
