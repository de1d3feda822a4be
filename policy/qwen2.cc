// policy/qwen2.cc: the Qwen2 / Qwen2.5 family: the Llama block with a bias
// on the q, k and v projections (always, whatever attention_bias says) and
// none on o_proj (transformers' Qwen2Attention). Sliding-window attention is
// rejected by the config parser.
#include "policy/decoder_options.h"
#include "policy/model_config.h"
#include "policy/model_family.h"

namespace rlzero {
namespace {

void WriteQwen2Fields(const ModelConfig& c, nlohmann::json* out) {
  out->erase("attention_bias");  // not a Qwen2Config field
  (*out)["use_sliding_window"] = false;
  if (!out->contains("sliding_window")) (*out)["sliding_window"] = c.max_position_embeddings;
  if (!out->contains("max_window_layers")) (*out)["max_window_layers"] = c.num_hidden_layers;
}

std::shared_ptr<CausalLM> BuildQwen2(const ModelConfig& c) {
  DecoderOptions o;
  o.qkv_bias = true;
  o.o_bias = false;
  return BuildDecoderLM(c, o);
}

}  // namespace

extern const ModelFamily kQwen2Family = {
    /*model_type=*/"qwen2",
    /*architecture=*/"Qwen2ForCausalLM",
    /*default_head_dim=*/0,
    /*default_rope_theta=*/10000.0,
    /*default_max_position_embeddings=*/32768,
    WriteQwen2Fields,
    BuildQwen2,
};

}  // namespace rlzero
