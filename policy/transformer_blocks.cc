// policy/transformer_blocks.cc: see transformer_blocks.h. Each operation
// mirrors transformers' eager Llama/Qwen code so numerics agree; the why is
// commented where it differs from the obvious.
#include "policy/transformer_blocks.h"

#include <cmath>
#include <limits>

#include "policy/cpu_attention.h"
#include "policy/cpu_rms_norm.h"
#include "policy/cpu_rope.h"

namespace rlzero {

namespace nn = torch::nn;

// float32 for half types (as transformers), the type itself if wider (tests
// run float64 models to compare against exact references).
torch::ScalarType AtLeastFloat32(torch::ScalarType t) {
  return c10::promoteTypes(t, torch::kFloat32);
}

// ------------------------------------------------------------ functional forms

torch::Tensor RmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  // Inference on CPU: one fused pass (policy/cpu_rms_norm.h), same numerics.
  if (CpuRmsNormApplies(x, weight)) return CpuRmsNorm(x, weight, eps);
  auto dtype = x.scalar_type();
  auto h = x.to(AtLeastFloat32(dtype));
  auto var = h.pow(2).mean(-1, /*keepdim=*/true);
  h = h * torch::rsqrt(var + eps);
  // transformers casts back before the weight multiply.
  return weight * h.to(dtype);
}

torch::Tensor RopeInverseFrequencies(int64_t head_dim, double theta,
                                     const std::optional<RopeScaling>& scaling,
                                     int64_t max_position_embeddings, double* attention_factor) {
  // In double, rounded once to float32 (transformers forms the table in
  // float32; the two agree to an ulp).
  RopeFrequencies f = ComputeRopeFrequencies(head_dim, theta, max_position_embeddings, scaling);
  if (attention_factor != nullptr) *attention_factor = f.attention_factor;
  return torch::tensor(f.inv_freq, torch::kFloat64).to(torch::kFloat32);
}

std::pair<torch::Tensor, torch::Tensor> RopeCosSin(const torch::Tensor& inv_freq,
                                                   const torch::Tensor& positions) {
  auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv_freq;  // [B, T, D/2]
  auto emb = torch::cat({freqs, freqs}, -1);                            // [B, T, D]
  return {emb.cos(), emb.sin()};
}

torch::Tensor ApplyRope(const torch::Tensor& x, const torch::Tensor& cos,
                        const torch::Tensor& sin) {
  // Inference on CPU: one fused pass (policy/cpu_rope.h), same numerics.
  if (CpuRopeApplies(x, cos, sin)) return CpuRope(x, cos, sin);
  const int64_t half = x.size(-1) / 2;
  auto x1 = x.narrow(-1, 0, half);
  auto x2 = x.narrow(-1, half, half);
  auto rotated = torch::cat({-x2, x1}, -1);
  auto c = cos.unsqueeze(1), s = sin.unsqueeze(1);  // broadcast over heads
  return x * c + rotated * s;
}

constexpr int64_t kCpuAttentionMaxScoresPerHead = 4096;

namespace {

// Attention with as many key/value heads as query heads: q [B, H, T, D],
// k, v [B, H, S, D], allowed bool broadcastable to [B, H, T, S].
torch::Tensor AttendSameHeads(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, const torch::Tensor& allowed, double scale) {
#if RLZ_HAS_SDPA
  // Additive mask with a finite minimum (half the dtype's lowest, so adding
  // it to a score cannot overflow to -inf): fully masked rows stay finite,
  // as in the math path. SDPA's default scale is 1/sqrt(D); fold any other
  // scale into q.
  const double lowest =
      q.scalar_type() == torch::kHalf ? -65504.0 / 2 : std::numeric_limits<float>::lowest() / 2;
  auto additive =
      torch::zeros(allowed.sizes(), q.options()).masked_fill(allowed.logical_not(), lowest);
  const double default_scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto qs = std::abs(scale - default_scale) < 1e-12 ? q : q * (scale / default_scale);
  return torch::scaled_dot_product_attention(qs, k, v, additive);
#else
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * scale;  // [B, H, T, S]
  scores = scores.to(AtLeastFloat32(q.scalar_type()))
               .masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest());
  auto probs = torch::softmax(scores, -1).to(q.scalar_type());
  return torch::matmul(probs, v);  // [B, H, T, D]
#endif
}

}  // namespace

torch::Tensor GroupedQueryAttention(const torch::Tensor& q, const torch::Tensor& k,
                                    const torch::Tensor& v, const torch::Tensor& mask,
                                    double scale) {
  const int64_t heads = q.size(1), kv_heads = k.size(1);
  const int64_t t = q.size(2), s = k.size(2);
  TORCH_CHECK(heads % kv_heads == 0, "query heads ", heads, " not a multiple of kv heads ",
              kv_heads);
  // Inference on CPU with few score entries per head (decode steps, short
  // prefills): the fused kernel, no K/V copies and no per-head gemm calls.
  // Past ~4K entries per head BLAS's blocked gemms win (measured with
  // `rlzero bench rollout`: its recompute loop reaches T = S = 160).
  if (t * s <= kCpuAttentionMaxScoresPerHead && CpuAttentionApplies(q, k, v, mask))
    return CpuAttention(q, k, v, mask, scale);
  torch::Tensor allowed = mask;
  if (!allowed.defined()) {
    // Causal with queries at the end of the keys: query i sees key j <= i + S - T.
    allowed = torch::ones({t, s}, torch::TensorOptions().dtype(torch::kBool).device(q.device()))
                  .tril(s - t)
                  .view({1, 1, t, s});
  }
  const int64_t rep = heads / kv_heads;
  if (rep == 1) return AttendSameHeads(q, k, v, allowed, scale);
  const int64_t b = q.size(0), d = q.size(3);
  if (t == 1) {
    // One query per row (decode on GPU): the rep query heads of kv head g
    // (heads g*rep .. g*rep+rep-1) become its rep query rows, [B, Hkv, rep,
    // D], so K and V are read once per kv head and never copied per query
    // head; the [B|1, 1, 1, S] mask broadcasts over those rows.
    return AttendSameHeads(q.reshape({b, kv_heads, rep, d}), k, v, allowed, scale)
        .reshape({b, heads, 1, d});
  }
  // Query head h reads kv head h / rep: each kv head repeated rep times in
  // place. Written as expand + reshape rather than repeat_interleave, whose
  // integer overload goes through a repeats tensor and a host sync of its
  // sum on LibTorch 1.13: a sync cannot be captured in a CUDA graph.
  auto repeat_heads = [rep](const torch::Tensor& x) {
    const int64_t n = x.size(0), hkv = x.size(1), len = x.size(2), w = x.size(3);
    return x.unsqueeze(2).expand({n, hkv, rep, len, w}).reshape({n, hkv * rep, len, w});
  };
  return AttendSameHeads(q, repeat_heads(k), repeat_heads(v), allowed, scale);
}

// ------------------------------------------------------------------- modules

namespace {

// l(x) for x [..., in]: one mm (addmm with a bias) on a 2-D view of x. The
// same GEMM nn::Linear runs (linear -> matmul folds x to 2-D the same way),
// without the linear/matmul/reshape/unsafe_view dispatches around it, which
// cost as much as a tiny model's GEMM at decode batch sizes.
torch::Tensor Project(torch::nn::Linear& l, const torch::Tensor& x) {
  if (x.dim() < 2 || !x.is_contiguous()) return l(x);
  const torch::Tensor x2 = x.view({-1, x.size(-1)});
  const torch::Tensor y =
      l->bias.defined() ? torch::addmm(l->bias, x2, l->weight.t()) : torch::mm(x2, l->weight.t());
  std::vector<int64_t> sizes = x.sizes().vec();
  sizes.back() = y.size(1);
  return y.view(sizes);
}

}  // namespace

RMSNormImpl::RMSNormImpl(int64_t dim, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

AttentionImpl::AttentionImpl(const ModelConfig& c, const DecoderOptions& o, int layer)
    : layer_(layer),
      heads_(c.num_attention_heads),
      kv_heads_(c.num_key_value_heads),
      head_dim_(c.head_dim) {
  const int64_t C = c.hidden_size;
  q_proj = register_module("q_proj",
                           nn::Linear(nn::LinearOptions(C, heads_ * head_dim_).bias(o.qkv_bias)));
  k_proj = register_module(
      "k_proj", nn::Linear(nn::LinearOptions(C, kv_heads_ * head_dim_).bias(o.qkv_bias)));
  v_proj = register_module(
      "v_proj", nn::Linear(nn::LinearOptions(C, kv_heads_ * head_dim_).bias(o.qkv_bias)));
  o_proj = register_module("o_proj",
                           nn::Linear(nn::LinearOptions(heads_ * head_dim_, C).bias(o.o_bias)));
  if (o.qk_norm) {
    q_norm = register_module("q_norm", RMSNorm(head_dim_, c.rms_norm_eps));
    k_norm = register_module("k_norm", RMSNorm(head_dim_, c.rms_norm_eps));
  }
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                     const torch::Tensor& sin, const torch::Tensor& mask,
                                     KvCache* cache) {
  const int64_t B = x.size(0), T = x.size(1);
  auto q = Project(q_proj, x).view({B, T, heads_, head_dim_});     // [B, T, H, D]
  auto k = Project(k_proj, x).view({B, T, kv_heads_, head_dim_});  // [B, T, Hkv, D]
  auto v = Project(v_proj, x).view({B, T, kv_heads_, head_dim_});
  if (!q_norm.is_empty()) {
    q = q_norm(q);
    k = k_norm(k);
  }
  q = ApplyRope(q.transpose(1, 2), cos, sin);  // [B, H, T, D]
  k = ApplyRope(k.transpose(1, 2), cos, sin);  // [B, Hkv, T, D]
  v = v.transpose(1, 2);
  if (cache != nullptr) std::tie(k, v) = cache->Append(layer_, k, v);  // [B, Hkv, S, D]
  auto out = GroupedQueryAttention(q, k, v, mask, 1.0 / std::sqrt(static_cast<double>(head_dim_)));
  return Project(o_proj, out.transpose(1, 2).reshape({B, T, heads_ * head_dim_}));
}

MlpImpl::MlpImpl(int64_t hidden, int64_t intermediate, bool bias) {
  gate_proj =
      register_module("gate_proj", nn::Linear(nn::LinearOptions(hidden, intermediate).bias(bias)));
  up_proj =
      register_module("up_proj", nn::Linear(nn::LinearOptions(hidden, intermediate).bias(bias)));
  down_proj =
      register_module("down_proj", nn::Linear(nn::LinearOptions(intermediate, hidden).bias(bias)));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) {
  return Project(down_proj, torch::silu(Project(gate_proj, x)) * Project(up_proj, x));
}

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig& c, const DecoderOptions& o, int layer) {
  // Registration order follows transformers' (self_attn, mlp, norms) so
  // named_parameters() lists tensors in the familiar order.
  self_attn = register_module("self_attn", Attention(c, o, layer));
  mlp = register_module("mlp", Mlp(c.hidden_size, c.intermediate_size, o.mlp_bias));
  input_layernorm = register_module("input_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  post_attention_layernorm =
      register_module("post_attention_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                        const torch::Tensor& sin, const torch::Tensor& mask,
                                        KvCache* cache) {
  auto h = x + self_attn(input_layernorm(x), cos, sin, mask, cache);
  return h + mlp(post_attention_layernorm(h));
}

DecoderStackImpl::DecoderStackImpl(const ModelConfig& c, const DecoderOptions& o) {
  embed_tokens = register_module("embed_tokens", nn::Embedding(c.vocab_size, c.hidden_size));
  layers = register_module("layers", nn::ModuleList());
  for (int i = 0; i < c.num_hidden_layers; ++i) layers->push_back(DecoderLayer(c, o, i));
  norm = register_module("norm", RMSNorm(c.hidden_size, c.rms_norm_eps));
}

DecoderLM::DecoderLM(const ModelConfig& c, const DecoderOptions& o) : config_(c) {
  model = register_module("model", DecoderStack(c, o));
  if (!c.tie_word_embeddings) {
    lm_head = register_module(
        "lm_head", nn::Linear(nn::LinearOptions(c.hidden_size, c.vocab_size).bias(false)));
  }
  inv_freq_ = RopeInverseFrequencies(c.head_dim, c.rope_theta, c.rope_scaling,
                                     c.max_position_embeddings, &rope_attention_factor_);
}

torch::Tensor DecoderLM::Forward(const torch::Tensor& input_ids, const torch::Tensor& positions,
                                 const torch::Tensor& attn_mask, KvCache* cache) {
  auto x = model->embed_tokens(input_ids);  // [B, T, C]
  if (inv_freq_.device() != x.device()) inv_freq_ = inv_freq_.to(x.device());
  auto [cos, sin] = RopeCosSin(inv_freq_, positions);  // [B, T, D] float32
  if (rope_attention_factor_ != 1.0) {                 // yarn: scaled in float32, as transformers
    cos = cos * rope_attention_factor_;
    sin = sin * rope_attention_factor_;
  }
  cos = cos.to(x.scalar_type());
  sin = sin.to(x.scalar_type());
  for (const auto& layer : *model->layers) {
    x = layer->as<DecoderLayerImpl>()->forward(x, cos, sin, attn_mask, cache);
  }
  return model->norm(x);
}

torch::Tensor DecoderLM::Logits(const torch::Tensor& hidden) {
  return torch::matmul(hidden, OutputEmbedding().t());
}

torch::Tensor DecoderLM::OutputEmbedding() {
  return lm_head.is_empty() ? model->embed_tokens->weight : lm_head->weight;
}

}  // namespace rlzero

namespace rlzero {

std::shared_ptr<CausalLM> BuildDecoderLM(const ModelConfig& config, const DecoderOptions& options) {
  return std::make_shared<DecoderLM>(config, options);
}

}  // namespace rlzero
