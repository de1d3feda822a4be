// policy/decoder_options.h: what distinguishes the Llama-style families'
// decoder blocks, and the builder of the shared DecoderLM
// (policy/transformer_blocks.h). Torch-free, so a family file
// (policy/llama.cc, qwen2.cc, qwen3.cc) is a small, fast-compiling unit.
#pragma once

#include <memory>

namespace rlzero {

class CausalLM;
struct ModelConfig;

struct DecoderOptions {
  bool qkv_bias = false;  // bias on q/k/v projections
  bool o_bias = false;    // bias on o_proj
  bool qk_norm = false;   // per-head RMSNorm of q and k before RoPE (Qwen3)
  bool mlp_bias = false;  // bias on gate/up/down (Llama's mlp_bias)
};

// A float32 CPU DecoderLM with transformers' module tree; weights are
// LibTorch's defaults until loaded or initialised (policy/model_io.h).
std::shared_ptr<CausalLM> BuildDecoderLM(const ModelConfig& config, const DecoderOptions& options);

}  // namespace rlzero
