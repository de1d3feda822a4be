// policy/qwen3.cc: the Qwen3 (dense) family: the Llama block with per-head
// RMSNorm of q and k (q_norm, k_norm, weight [D]) applied before RoPE, an
// explicit head_dim (transformers' default 128) that may differ from
// hidden_size / num_attention_heads, and attention_bias on q, k, v and o.
#include "policy/decoder_options.h"
#include "policy/model_config.h"
#include "policy/model_family.h"

namespace rlzero {
namespace {

void WriteQwen3Fields(const ModelConfig& c, nlohmann::json* out) {
  (*out)["use_sliding_window"] = false;
  if (!out->contains("sliding_window")) (*out)["sliding_window"] = nullptr;
  if (!out->contains("max_window_layers")) (*out)["max_window_layers"] = c.num_hidden_layers;
}

std::shared_ptr<CausalLM> BuildQwen3(const ModelConfig& c) {
  DecoderOptions o;
  o.qkv_bias = c.attention_bias;
  o.o_bias = c.attention_bias;
  o.qk_norm = true;
  return BuildDecoderLM(c, o);
}

}  // namespace

extern const ModelFamily kQwen3Family = {
    /*model_type=*/"qwen3",
    /*architecture=*/"Qwen3ForCausalLM",
    /*default_head_dim=*/128,
    /*default_rope_theta=*/10000.0,
    /*default_max_position_embeddings=*/32768,
    WriteQwen3Fields,
    BuildQwen3,
};

}  // namespace rlzero
