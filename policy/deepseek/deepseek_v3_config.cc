// policy/deepseek/deepseek_v3_config.cc
#include "policy/deepseek/deepseek_v3_config.h"

#include <cmath>

namespace rlzero::deepseek {
namespace {

using Json = nlohmann::json;

template <typename T>
Status Read(const Json& j, const char* key, T* out, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  try {
    *out = it->get<T>();
  } catch (const std::exception& e) {
    return InvalidArgument(where + ": field '" + key + "' has the wrong type (" + it->type_name() +
                           ")");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<DeepseekV3Config> DeepseekV3Config::FromJson(const Json& j, const std::string& where) {
  if (!j.is_object()) return InvalidArgument(where + ": config must be a JSON object");
  DeepseekV3Config c;
  std::string model_type;
  RLZ_RETURN_IF_ERROR(Read(j, "model_type", &model_type, where));
  if (model_type != "deepseek_v3")
    return InvalidArgument(where + ": model_type is '" + model_type + "', expected deepseek_v3");
#define RLZ_READ(field) RLZ_RETURN_IF_ERROR(Read(j, #field, &c.field, where))
  RLZ_READ(vocab_size);
  RLZ_READ(hidden_size);
  RLZ_READ(intermediate_size);
  RLZ_READ(moe_intermediate_size);
  RLZ_READ(num_hidden_layers);
  RLZ_READ(num_attention_heads);
  c.num_key_value_heads = c.num_attention_heads;
  RLZ_READ(num_key_value_heads);
  RLZ_READ(n_shared_experts);
  RLZ_READ(n_routed_experts);
  RLZ_READ(routed_scaling_factor);
  RLZ_READ(kv_lora_rank);
  RLZ_READ(qk_rope_head_dim);
  RLZ_READ(v_head_dim);
  RLZ_READ(qk_nope_head_dim);
  RLZ_READ(n_group);
  RLZ_READ(topk_group);
  RLZ_READ(num_experts_per_tok);
  RLZ_READ(first_k_dense_replace);
  RLZ_READ(norm_topk_prob);
  RLZ_READ(scoring_func);
  RLZ_READ(num_nextn_predict_layers);
  RLZ_READ(max_position_embeddings);
  RLZ_READ(rms_norm_eps);
  RLZ_READ(rope_theta);
  RLZ_READ(rope_interleave);
  RLZ_READ(attention_bias);
  RLZ_READ(tie_word_embeddings);
  RLZ_READ(initializer_range);
  RLZ_READ(bos_token_id);
  RLZ_READ(eos_token_id);
#undef RLZ_READ
  if (j.contains("q_lora_rank")) {
    if (j["q_lora_rank"].is_null()) {
      c.q_lora_rank = 0;
    } else {
      RLZ_RETURN_IF_ERROR(Read(j, "q_lora_rank", &c.q_lora_rank, where));
    }
  }
  RLZ_ASSIGN_OR_RETURN(c.rope_scaling, ParseRopeScaling(j, where));
  RLZ_RETURN_IF_ERROR(ApplyRopeParameters(j, where, &c.rope_theta, &c.rope_scaling));
  // Carry through the fields we do not interpret.
  for (auto it = j.begin(); it != j.end(); ++it) {
    static const char* kKnown[] = {"torch_dtype",    "transformers_version",
                                   "hidden_act",     "use_cache",
                                   "pad_token_id",   "attention_dropout",
                                   "pretraining_tp", "topk_method",
                                   "aux_loss_alpha", "seq_aux",
                                   "ep_size"};
    for (const char* k : kKnown)
      if (it.key() == k) c.extra[it.key()] = it.value();
  }

  auto positive = [&](int64_t v, const char* name) -> Status {
    if (v <= 0) return InvalidArgument(where + ": " + name + " must be > 0");
    return Status::Ok();
  };
  RLZ_RETURN_IF_ERROR(positive(c.vocab_size, "vocab_size"));
  RLZ_RETURN_IF_ERROR(positive(c.hidden_size, "hidden_size"));
  RLZ_RETURN_IF_ERROR(positive(c.num_hidden_layers, "num_hidden_layers"));
  RLZ_RETURN_IF_ERROR(positive(c.num_attention_heads, "num_attention_heads"));
  RLZ_RETURN_IF_ERROR(positive(c.kv_lora_rank, "kv_lora_rank"));
  RLZ_RETURN_IF_ERROR(positive(c.qk_rope_head_dim, "qk_rope_head_dim"));
  RLZ_RETURN_IF_ERROR(positive(c.v_head_dim, "v_head_dim"));
  if (c.qk_rope_head_dim % 2) return InvalidArgument(where + ": qk_rope_head_dim must be even");
  if (c.qk_nope_head_dim < 0) return InvalidArgument(where + ": qk_nope_head_dim must be >= 0");
  if (c.n_routed_experts > 0) {
    RLZ_RETURN_IF_ERROR(positive(c.moe_intermediate_size, "moe_intermediate_size"));
    RLZ_RETURN_IF_ERROR(positive(c.num_experts_per_tok, "num_experts_per_tok"));
    if (c.n_group <= 0 || c.n_routed_experts % c.n_group)
      return InvalidArgument(where + ": n_routed_experts must be a multiple of n_group");
    if (c.topk_group <= 0 || c.topk_group > c.n_group)
      return InvalidArgument(where + ": topk_group must be in [1, n_group]");
    if (c.num_experts_per_tok > c.topk_group * (c.n_routed_experts / c.n_group))
      return InvalidArgument(where +
                             ": num_experts_per_tok exceeds the experts in topk_group groups");
    if (c.scoring_func != "sigmoid" && c.scoring_func != "softmax")
      return InvalidArgument(where + ": scoring_func must be sigmoid or softmax");
  }
  if (c.num_key_value_heads != c.num_attention_heads)
    return InvalidArgument(where + ": MLA needs num_key_value_heads == num_attention_heads");
  return c;
}

nlohmann::json DeepseekV3Config::ToJson() const {
  Json j = extra.is_object() ? extra : Json::object();
  j["architectures"] = Json::array({"DeepseekV3ForCausalLM"});
  j["model_type"] = "deepseek_v3";
  j["vocab_size"] = vocab_size;
  j["hidden_size"] = hidden_size;
  j["intermediate_size"] = intermediate_size;
  j["moe_intermediate_size"] = moe_intermediate_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["num_key_value_heads"] = num_key_value_heads;
  j["n_shared_experts"] = n_shared_experts;
  j["n_routed_experts"] = n_routed_experts;
  j["routed_scaling_factor"] = routed_scaling_factor;
  j["kv_lora_rank"] = kv_lora_rank;
  j["q_lora_rank"] = q_lora_rank > 0 ? Json(q_lora_rank) : Json(nullptr);
  j["qk_rope_head_dim"] = qk_rope_head_dim;
  j["v_head_dim"] = v_head_dim;
  j["qk_nope_head_dim"] = qk_nope_head_dim;
  j["n_group"] = n_group;
  j["topk_group"] = topk_group;
  j["num_experts_per_tok"] = num_experts_per_tok;
  j["first_k_dense_replace"] = first_k_dense_replace;
  j["norm_topk_prob"] = norm_topk_prob;
  j["scoring_func"] = scoring_func;
  j["num_nextn_predict_layers"] = num_nextn_predict_layers;
  j["max_position_embeddings"] = max_position_embeddings;
  j["rms_norm_eps"] = rms_norm_eps;
  j["rope_theta"] = rope_theta;
  j["rope_interleave"] = rope_interleave;
  j["attention_bias"] = attention_bias;
  j["tie_word_embeddings"] = tie_word_embeddings;
  j["initializer_range"] = initializer_range;
  j["bos_token_id"] = bos_token_id;
  j["eos_token_id"] = eos_token_id;
  j["hidden_act"] = "silu";
  j["rope_scaling"] = RopeScalingToJson(rope_scaling);
  return j;
}

}  // namespace rlzero::deepseek
