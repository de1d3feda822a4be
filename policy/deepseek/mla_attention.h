// policy/deepseek/mla_attention.h: Multi-head Latent Attention (DeepSeek-V2/V3)
// as transformers' deepseek_v3 computes it, with a KV cache that holds only
// the compressed latent and the shared RoPE key.
//
// Shapes: B batch, T new tokens, S keys visible, H heads, C hidden,
// R kv_lora_rank, P qk_rope_head_dim, N qk_nope_head_dim, Dv v_head_dim.
// Weights (names as transformers): q_proj [H*(N+P), C] when q_lora_rank is
// null, else q_a_proj [Q, C], q_a_layernorm [Q], q_b_proj [H*(N+P), Q];
// kv_a_proj_with_mqa [R+P, C], kv_a_layernorm [R], kv_b_proj [H*(N+Dv), R],
// o_proj [C, H*Dv].
// Cache contract: Append(layer, latent [B,1,T,R+P], empty [B,1,T,0]) where
// latent = cat(kv_a_layernorm(c_kv), rope(k_rot)); so the model reports
// num_kv_heads() == 1, head_dim() == R+P and value_head_dim() == 0.
// Two equal paths: naive (expand the latent to per-head keys/values with
// kv_b_proj) and absorbed (fold kv_b_proj into the query and the output, and
// attend over the latent directly: cheaper at decode).
#pragma once

#include "policy/causal_lm.h"
#include "policy/deepseek/deepseek_v3_config.h"
#include "policy/transformer_blocks.h"

namespace rlzero::deepseek {

// The dense families' RMSNorm module (policy/transformer_blocks.h): a learned
// scale `weight`, normalised in float32, the fused CPU kernel for inference.
using RmsNorm = ::rlzero::RMSNorm;

// Rotary tables for the decoupled RoPE key (default, or YaRN).
struct MlaRotary {
  torch::Tensor inv_freq;         // [P/2] float32
  double attention_factor = 1.0;  // multiplies cos and sin (YaRN)
  static MlaRotary Make(const DeepseekV3Config& c);
  // positions [B, T] -> cos, sin [B, T, P] (float32).
  std::pair<torch::Tensor, torch::Tensor> CosSin(const torch::Tensor& positions) const;
};

// Applies RoPE to x [B, h, T, P] as transformers does: with `interleave`, the
// pairs (x0,x1),(x2,x3).. are first gathered to (x0,x2,..,x1,x3,..).
torch::Tensor ApplyMlaRope(const torch::Tensor& x, const torch::Tensor& cos,
                           const torch::Tensor& sin, bool interleave);

class MlaAttentionImpl : public torch::nn::Module {
 public:
  explicit MlaAttentionImpl(const DeepseekV3Config& c);
  // x [B,T,C]; cos/sin [B,T,P]; mask bool [B,1,T,S] or undefined (causal over
  // T, no cache content); returns [B,T,C].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& mask, KvCache* cache, int layer, bool absorbed);
  // The factor scores are multiplied by before the softmax.
  double softmax_scale() const { return scaling_; }

  torch::nn::Linear q_proj{nullptr}, q_a_proj{nullptr}, q_b_proj{nullptr};
  RmsNorm q_a_layernorm{nullptr};
  torch::nn::Linear kv_a_proj_with_mqa{nullptr}, kv_b_proj{nullptr}, o_proj{nullptr};
  RmsNorm kv_a_layernorm{nullptr};

 private:
  int64_t heads_, nope_, rope_, v_dim_, rank_;
  double scaling_;
  bool interleave_;
};
TORCH_MODULE(MlaAttention);

}  // namespace rlzero::deepseek
