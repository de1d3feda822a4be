// policy/deepseek/mla_attention.cc
#include "policy/deepseek/mla_attention.h"

#include <cmath>
#include <limits>

#include "policy/transformer_blocks.h"

namespace rlzero::deepseek {

MlaRotary MlaRotary::Make(const DeepseekV3Config& c) {
  // transformers' DeepseekV3Config sets head_dim = qk_rope_head_dim, so the
  // rope tables (and YaRN's correction range) are over the rope dims only.
  MlaRotary r;
  RopeFrequencies f = ComputeRopeFrequencies(c.qk_rope_head_dim, c.rope_theta,
                                             c.max_position_embeddings, c.rope_scaling);
  r.inv_freq = torch::tensor(f.inv_freq, torch::kFloat64).to(torch::kFloat32);
  r.attention_factor = f.attention_factor;
  return r;
}

std::pair<torch::Tensor, torch::Tensor> MlaRotary::CosSin(const torch::Tensor& positions) const {
  auto inv = inv_freq.to(positions.device());
  auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv;  // [B,T,P/2]
  auto emb = torch::cat({freqs, freqs}, -1);                       // [B,T,P]
  return {emb.cos() * attention_factor, emb.sin() * attention_factor};
}

torch::Tensor ApplyMlaRope(const torch::Tensor& x, const torch::Tensor& cos,
                           const torch::Tensor& sin, bool interleave) {
  torch::Tensor y = x;
  if (interleave) {
    auto s = x.sizes().vec();
    int64_t d = s.back();
    auto v = x.reshape({s[0], s[1], s[2], d / 2, 2}).transpose(3, 4);
    y = v.reshape({s[0], s[1], s[2], d});
  }
  // rotate_half on the (de-interleaved) rope dims, as the dense families.
  return rlzero::ApplyRope(y, cos.to(x.scalar_type()), sin.to(x.scalar_type()));
}

MlaAttentionImpl::MlaAttentionImpl(const DeepseekV3Config& c)
    : heads_(c.num_attention_heads),
      nope_(c.qk_nope_head_dim),
      rope_(c.qk_rope_head_dim),
      v_dim_(c.v_head_dim),
      rank_(c.kv_lora_rank),
      interleave_(c.rope_interleave) {
  using torch::nn::LinearOptions;
  const int64_t qk = c.qk_head_dim();
  if (c.q_lora_rank > 0) {
    q_a_proj = register_module(
        "q_a_proj",
        torch::nn::Linear(LinearOptions(c.hidden_size, c.q_lora_rank).bias(c.attention_bias)));
    q_a_layernorm = register_module("q_a_layernorm", RmsNorm(c.q_lora_rank, c.rms_norm_eps));
    q_b_proj = register_module(
        "q_b_proj", torch::nn::Linear(LinearOptions(c.q_lora_rank, heads_ * qk).bias(false)));
  } else {
    q_proj = register_module(
        "q_proj", torch::nn::Linear(LinearOptions(c.hidden_size, heads_ * qk).bias(false)));
  }
  kv_a_proj_with_mqa = register_module(
      "kv_a_proj_with_mqa",
      torch::nn::Linear(LinearOptions(c.hidden_size, rank_ + rope_).bias(c.attention_bias)));
  kv_a_layernorm = register_module("kv_a_layernorm", RmsNorm(rank_, c.rms_norm_eps));
  kv_b_proj = register_module(
      "kv_b_proj", torch::nn::Linear(LinearOptions(rank_, heads_ * (nope_ + v_dim_)).bias(false)));
  o_proj = register_module(
      "o_proj",
      torch::nn::Linear(LinearOptions(heads_ * v_dim_, c.hidden_size).bias(c.attention_bias)));
  scaling_ = 1.0 / std::sqrt(static_cast<double>(qk));
  // DeepseekV3Attention: with rope_scaling and a nonzero mscale_all_dim the
  // softmax scale is multiplied by yarn_get_mscale(factor, mscale_all_dim)^2.
  if (c.rope_scaling && c.rope_scaling->mscale_all_dim != 0) {
    double m = YarnGetMscale(c.rope_scaling->factor, c.rope_scaling->mscale_all_dim);
    scaling_ *= m * m;
  }
}

torch::Tensor MlaAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                        const torch::Tensor& sin, const torch::Tensor& mask,
                                        KvCache* cache, int layer, bool absorbed) {
  const int64_t B = x.size(0), T = x.size(1);
  torch::Tensor q = q_proj ? q_proj(x) : q_b_proj(q_a_layernorm(q_a_proj(x)));
  q = q.view({B, T, heads_, nope_ + rope_}).transpose(1, 2);  // [B,H,T,N+P]
  auto q_nope = q.narrow(-1, 0, nope_);
  auto q_rot = ApplyMlaRope(q.narrow(-1, nope_, rope_), cos, sin, interleave_);

  auto ckv = kv_a_proj_with_mqa(x);                                   // [B,T,R+P]
  auto c_kv = kv_a_layernorm(ckv.narrow(-1, 0, rank_)).unsqueeze(1);  // [B,1,T,R]
  auto k_rot = ApplyMlaRope(ckv.narrow(-1, rank_, rope_).unsqueeze(1), cos, sin, interleave_);

  torch::Tensor latent = torch::cat({c_kv, k_rot}, -1);  // [B,1,T,R+P]
  if (cache != nullptr) {
    auto empty = torch::empty({B, 1, T, 0}, latent.options());
    latent = cache->Append(layer, latent, empty).first;  // [B,1,S,R+P]
  }
  const int64_t S = latent.size(2);
  auto c_all = latent.narrow(-1, 0, rank_);         // [B,1,S,R]
  auto krot_all = latent.narrow(-1, rank_, rope_);  // [B,1,S,P]

  // kv_b_proj.weight [H*(N+Dv), R] viewed per head.
  auto w = kv_b_proj->weight.view({heads_, nope_ + v_dim_, rank_});
  auto w_uk = w.narrow(1, 0, nope_);       // [H,N,R]
  auto w_uv = w.narrow(1, nope_, v_dim_);  // [H,Dv,R]

  torch::Tensor scores;
  torch::Tensor values;  // naive: [B,H,S,Dv]
  if (absorbed) {
    auto q_lat = torch::einsum("bhtn,hnr->bhtr", {q_nope, w_uk});  // [B,H,T,R]
    scores = torch::matmul(q_lat, c_all.transpose(-1, -2)) +       // [B,H,T,S]
             torch::matmul(q_rot, krot_all.transpose(-1, -2));
  } else {
    auto kv = torch::einsum("bsr,hdr->bhsd", {c_all.squeeze(1), w});  // [B,H,S,N+Dv]
    auto k_nope = kv.narrow(-1, 0, nope_);
    values = kv.narrow(-1, nope_, v_dim_);
    auto k = torch::cat({k_nope, krot_all.expand({B, heads_, S, rope_})}, -1);
    auto qq = torch::cat({q_nope, q_rot}, -1);
    scores = torch::matmul(qq, k.transpose(-1, -2));
  }
  if (scores.scalar_type() != torch::kFloat64) scores = scores.to(torch::kFloat32);
  scores = scores * scaling_;
  torch::Tensor allowed = mask;
  if (!allowed.defined()) {
    allowed = torch::ones({T, S}, torch::dtype(torch::kBool).device(x.device())).tril(S - T);
  }
  scores = scores.masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest());
  auto probs = torch::softmax(scores, -1).to(x.scalar_type());
  torch::Tensor out;  // [B,H,T,Dv]
  if (absorbed) {
    auto o_lat = torch::matmul(probs, c_all);  // [B,H,T,R]
    out = torch::einsum("bhtr,hvr->bhtv", {o_lat, w_uv});
  } else {
    out = torch::matmul(probs, values);
  }
  out = out.transpose(1, 2).reshape({B, T, heads_ * v_dim_});
  return o_proj(out);
}

}  // namespace rlzero::deepseek
