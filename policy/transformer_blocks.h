// policy/transformer_blocks.h: the shared building blocks of the Llama-style
// decoder families: RMSNorm, rotary embedding (rotate_half layout, with
// llama3 or yarn frequency scaling), grouped-query attention over the KvCache hook,
// SwiGLU MLP, the decoder layer, and DecoderLM, the CausalLM that a family
// file (llama.cc, qwen2.cc, qwen3.cc) configures with DecoderOptions.
//
// Module tree and parameter names are exactly transformers':
//   model.embed_tokens.weight                         [V, C]
//   model.layers.N.input_layernorm.weight             [C]
//   model.layers.N.self_attn.{q,k,v}_proj.weight      [H*D | Hkv*D, C] (+ .bias)
//   model.layers.N.self_attn.{q,k}_norm.weight        [D]           (qk_norm)
//   model.layers.N.self_attn.o_proj.weight            [C, H*D]      (+ .bias)
//   model.layers.N.post_attention_layernorm.weight    [C]
//   model.layers.N.mlp.{gate,up}_proj.weight          [I, C]
//   model.layers.N.mlp.down_proj.weight               [C, I]
//   model.norm.weight                                 [C]
//   lm_head.weight                                    [V, C] unless tied
// Numerics follow transformers' eager path: RMSNorm and softmax in float32,
// RoPE tables in float32 cast to the activation dtype, masked scores set to
// the lowest finite float (a fully masked row gives uniform weights, not NaN).
// Non-goals: sliding-window attention, dropout, tensor parallelism.
// Thread safety: a module is used by one thread at a time (LibTorch modules).
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "policy/causal_lm.h"
#include "policy/decoder_options.h"
#include "policy/model_config.h"

namespace rlzero {

// ------------------------------------------------------------ functional forms

// x: [..., C]; weight: [C]. y = weight * (x / sqrt(mean(x^2) + eps)), the
// normalisation in float32, the result in x's dtype.
torch::Tensor RmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// Inverse frequencies [D/2] float32: 1 / theta^(2i/D), then the rope scaling
// (llama3 or yarn, policy/rope_scaling.h; yarn's default original length is
// max_position_embeddings). `attention_factor`, if given, receives the factor
// cos and sin are multiplied by (1 unless yarn).
torch::Tensor RopeInverseFrequencies(int64_t head_dim, double theta,
                                     const std::optional<RopeScaling>& scaling,
                                     int64_t max_position_embeddings = 0,
                                     double* attention_factor = nullptr);
// positions: [B, T] int64; inv_freq: [D/2] float32 on the same device.
// Returns cos, sin: [B, T, D] float32 (the D/2 frequencies repeated twice).
std::pair<torch::Tensor, torch::Tensor> RopeCosSin(const torch::Tensor& inv_freq,
                                                   const torch::Tensor& positions);
// x: [B, Hx, T, D]; cos, sin: [B, T, D] in x's dtype.
// Returns x * cos + rotate_half(x) * sin, rotate_half(x) = cat(-x2, x1).
torch::Tensor ApplyRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// q: [B, H, T, D]; k, v: [B, Hkv, S, D] with H % Hkv == 0 (kv head j serves
// query heads j*H/Hkv .. (j+1)*H/Hkv-1). mask: bool [B or 1, 1, T, S], true =
// may attend; undefined = causal with the T queries at the last T of S keys.
// Returns [B, H, T, D] in q's dtype; scores and softmax in float32. Without
// autograd on CPU and with T * S <= 4096 this is policy/cpu_attention.h's
// fused kernel (decode steps, short prefills); otherwise
// LibTorch ops (scaled_dot_product_attention where LibTorch has it).
torch::Tensor GroupedQueryAttention(const torch::Tensor& q, const torch::Tensor& k,
                                    const torch::Tensor& v, const torch::Tensor& mask,
                                    double scale);

// ------------------------------------------------------------------- modules

class RMSNormImpl : public torch::nn::Module {
 public:
  RMSNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x) { return RmsNorm(x, weight, eps_); }
  torch::Tensor weight;  // [dim]

 private:
  double eps_;
};
TORCH_MODULE(RMSNorm);

class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(const ModelConfig& c, const DecoderOptions& o, int layer);
  // x: [B, T, C]; cos, sin: [B, T, D] (x's dtype); mask as in CausalLM.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& mask, KvCache* cache);

  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
  RMSNorm q_norm{nullptr}, k_norm{nullptr};

 private:
  int layer_;
  int64_t heads_, kv_heads_, head_dim_;
};
TORCH_MODULE(Attention);

class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(int64_t hidden, int64_t intermediate, bool bias);
  // down(silu(gate(x)) * up(x)).
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(Mlp);

class DecoderLayerImpl : public torch::nn::Module {
 public:
  DecoderLayerImpl(const ModelConfig& c, const DecoderOptions& o, int layer);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& mask, KvCache* cache);
  RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  Attention self_attn{nullptr};
  Mlp mlp{nullptr};
};
TORCH_MODULE(DecoderLayer);

// transformers' `LlamaModel`: registered as "model" inside DecoderLM.
class DecoderStackImpl : public torch::nn::Module {
 public:
  DecoderStackImpl(const ModelConfig& c, const DecoderOptions& o);
  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RMSNorm norm{nullptr};
};
TORCH_MODULE(DecoderStack);

// The CausalLM of every Llama-style family.
class DecoderLM : public CausalLM {
 public:
  DecoderLM(const ModelConfig& c, const DecoderOptions& o);
  torch::Tensor Forward(const torch::Tensor& input_ids, const torch::Tensor& positions,
                        const torch::Tensor& attn_mask, KvCache* cache) override;
  torch::Tensor Logits(const torch::Tensor& hidden) override;
  torch::Tensor OutputEmbedding() override;
  int64_t vocab_size() const override { return config_.vocab_size; }
  int64_t num_layers() const override { return config_.num_hidden_layers; }
  int64_t num_kv_heads() const override { return config_.num_key_value_heads; }
  int64_t head_dim() const override { return config_.head_dim; }
  // Dense layers: a decode step's kernels depend only on shapes.
  bool SupportsCudaGraphs() const override { return true; }

  DecoderStack model{nullptr};
  torch::nn::Linear lm_head{nullptr};  // null when tied

 private:
  ModelConfig config_;
  torch::Tensor inv_freq_;              // [D/2] float32, kept out of parameters and buffers
  double rope_attention_factor_ = 1.0;  // yarn's cos/sin scale
};

}  // namespace rlzero
