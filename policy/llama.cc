// policy/llama.cc: the Llama family (Llama 2/3, and checkpoints that reuse
// LlamaForCausalLM). RMSNorm, RoPE (rope_scaling llama3 handled by the shared
// rotary code), grouped-query attention, SwiGLU MLP. `attention_bias` puts a
// bias on q, k, v and o; `mlp_bias` on gate, up and down (transformers'
// LlamaAttention / LlamaMLP).
#include "policy/decoder_options.h"
#include "policy/model_config.h"
#include "policy/model_family.h"

namespace rlzero {
namespace {

void WriteLlamaFields(const ModelConfig& c, nlohmann::json* out) {
  (*out)["mlp_bias"] = c.mlp_bias;
  if (!out->contains("pretraining_tp")) (*out)["pretraining_tp"] = 1;
}

std::shared_ptr<CausalLM> BuildLlama(const ModelConfig& c) {
  DecoderOptions o;
  o.qkv_bias = c.attention_bias;
  o.o_bias = c.attention_bias;
  o.mlp_bias = c.mlp_bias;
  return BuildDecoderLM(c, o);
}

}  // namespace

extern const ModelFamily kLlamaFamily = {
    /*model_type=*/"llama",
    /*architecture=*/"LlamaForCausalLM",
    /*default_head_dim=*/0,
    /*default_rope_theta=*/10000.0,
    /*default_max_position_embeddings=*/2048,
    WriteLlamaFields,
    BuildLlama,
};

}  // namespace rlzero
