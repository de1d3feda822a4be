// tests/policy/transformer_blocks_test.cc: the shared blocks against values
// computed independently here (long double loops over the closed forms, an
// explicit per-head attention loop with repeated kv heads), parameter names
// and shapes against transformers' module trees, and the KV-cache path
// against full recomputation.
#include "policy/transformer_blocks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "policy/model_io.h"

namespace rlzero {
namespace {

using LD = long double;

ModelConfig TinyConfig(const std::string& type) {
  ModelConfig c;
  c.model_type = type;
  c.vocab_size = 37;
  c.hidden_size = 24;
  c.intermediate_size = 40;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = type == "qwen3" ? 8 : 6;  // qwen3: 4*8 = 32 != hidden 24
  c.rms_norm_eps = 1e-6;
  c.rope_theta = 10000.0;
  c.tie_word_embeddings = false;
  return c;
}

// A KvCache that concatenates along S, as rollout/ will.
class ConcatKvCache : public KvCache {
 public:
  std::pair<torch::Tensor, torch::Tensor> Append(int layer, const torch::Tensor& k,
                                                 const torch::Tensor& v) override {
    auto& e = store_[layer];
    e.first = e.first.defined() ? torch::cat({e.first, k}, 2) : k;
    e.second = e.second.defined() ? torch::cat({e.second, v}, 2) : v;
    return e;
  }

 private:
  std::map<int, std::pair<torch::Tensor, torch::Tensor>> store_;
};

TEST(RmsNormTest, MatchesClosedForm) {
  torch::manual_seed(1);
  auto x = torch::randn({3, 5}, torch::kFloat64);
  auto w = torch::randn({5}, torch::kFloat64);
  const double eps = 1e-5;
  auto y = RmsNorm(x, w, eps);
  auto xa = x.accessor<double, 2>();
  auto wa = w.accessor<double, 1>();
  for (int i = 0; i < 3; ++i) {
    LD ss = 0;
    for (int j = 0; j < 5; ++j) ss += (LD)xa[i][j] * xa[i][j];
    LD inv = 1.0L / std::sqrt(ss / 5 + eps);
    for (int j = 0; j < 5; ++j)
      EXPECT_NEAR(y[i][j].item<double>(), (double)(wa[j] * xa[i][j] * inv), 1e-12);
  }
  // bf16 input: normalised in float32, result in bf16.
  auto yb = RmsNorm(x.to(torch::kBFloat16), w.to(torch::kBFloat16), eps);
  EXPECT_EQ(yb.scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::allclose(yb.to(torch::kFloat64), y, 0.02, 0.02));
}

TEST(RopeTest, DefaultInverseFrequencies) {
  auto f = RopeInverseFrequencies(16, 10000.0, std::nullopt);
  ASSERT_EQ(f.numel(), 8);
  for (int i = 0; i < 8; ++i) {
    LD expect = 1.0L / std::pow(10000.0L, (LD)(2 * i) / 16);
    EXPECT_NEAR(f[i].item<float>() / (double)expect, 1.0, 1e-6) << i;
  }
}

TEST(RopeTest, Llama3ScalingMatchesPiecewiseDefinition) {
  RopeScaling rs;  // Llama 3.1: factor 8, low 1, high 4, original 8192
  const int D = 128;
  const LD theta = 500000.0L, pi = 3.14159265358979323846264338327950288L;
  auto f = RopeInverseFrequencies(D, (double)theta, rs);
  int high = 0, low = 0, mid = 0;
  for (int i = 0; i < D / 2; ++i) {
    LD base = 1.0L / std::pow(theta, (LD)(2 * i) / D);
    LD wavelen = 2 * pi / base;
    LD expect;
    if (wavelen < 8192.0L / 4) {
      expect = base, ++high;
    } else if (wavelen > 8192.0L / 1) {
      expect = base / 8, ++low;
    } else {
      LD smooth = (8192.0L / wavelen - 1) / (4 - 1);
      expect = (1 - smooth) * base / 8 + smooth * base;
      ++mid;
    }
    EXPECT_NEAR(f[i].item<float>() / (double)expect, 1.0, 2e-6) << i;
  }
  EXPECT_GT(high, 0);
  EXPECT_GT(low, 0);
  EXPECT_GT(mid, 0);
}

TEST(RopeTest, ApplyRopeRotatesHalfPairs) {
  const int B = 2, H = 3, T = 5, D = 8;
  torch::manual_seed(2);
  auto x = torch::randn({B, H, T, D}, torch::kFloat64);
  auto pos = torch::tensor({0, 1, 2, 7, 100, 3, 3, 4, 9, 1000}, torch::kInt64).view({B, T});
  auto inv = RopeInverseFrequencies(D, 10000.0, std::nullopt);
  auto [cos, sin] = RopeCosSin(inv, pos);
  auto y = ApplyRope(x, cos.to(torch::kFloat64), sin.to(torch::kFloat64));
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int t = 0; t < T; ++t)
        for (int i = 0; i < D / 2; ++i) {
          LD freq = 1.0L / std::pow(10000.0L, (LD)(2 * i) / D);
          LD ang = pos[b][t].item<int64_t>() * freq;
          LD a = x[b][h][t][i].item<double>(), c = x[b][h][t][i + D / 2].item<double>();
          // Angles are formed in float32 as transformers does: allow its rounding.
          EXPECT_NEAR(y[b][h][t][i].item<double>(), (double)(a * std::cos(ang) - c * std::sin(ang)),
                      2e-4);
          EXPECT_NEAR(y[b][h][t][i + D / 2].item<double>(),
                      (double)(c * std::cos(ang) + a * std::sin(ang)), 2e-4);
        }
}

// out[b,h,t] = sum_j softmax_j(q.k_j * scale over allowed j) v_j with the kv
// head h / (H / Hkv), computed with explicit loops.
torch::Tensor ReferenceAttention(const torch::Tensor& q, const torch::Tensor& k,
                                 const torch::Tensor& v, const torch::Tensor& allowed,
                                 double scale) {
  const int B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
  const int Hkv = k.size(1), S = k.size(2);
  auto out = torch::zeros({B, H, T, D}, torch::kFloat64);
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h) {
      int g = h / (H / Hkv);
      for (int t = 0; t < T; ++t) {
        std::vector<LD> s(S, 0);
        LD mx = -1e300L;
        for (int j = 0; j < S; ++j) {
          if (!allowed[b][0][t][j].item<bool>()) continue;
          LD dot = 0;
          for (int d = 0; d < D; ++d)
            dot += (LD)q[b][h][t][d].item<double>() * k[b][g][j][d].item<double>();
          s[j] = dot * scale;
          mx = std::max(mx, s[j]);
        }
        LD z = 0;
        for (int j = 0; j < S; ++j)
          if (allowed[b][0][t][j].item<bool>()) z += std::exp(s[j] - mx);
        for (int d = 0; d < D; ++d) {
          LD acc = 0;
          for (int j = 0; j < S; ++j)
            if (allowed[b][0][t][j].item<bool>())
              acc += std::exp(s[j] - mx) / z * v[b][g][j][d].item<double>();
          out[b][h][t][d] = (double)acc;
        }
      }
    }
  return out;
}

// Both paths: the LibTorch ops (taken when autograd records, here because q
// requires grad) and policy/cpu_attention.h's fused inference kernel.
// T = 1 (a decode step) takes the ops path's folded-query-heads branch.
TEST(AttentionTest, GqaMatchesPerHeadLoop) {
  for (int T : {4, 1})
    for (bool ops_path : {true, false}) {
      SCOPED_TRACE(std::string(ops_path ? "LibTorch ops path" : "fused CPU kernel path") +
                   ", T = " + std::to_string(T));
      const int B = 2, H = 6, Hkv = 2, S = 7, D = 4;
      torch::manual_seed(3);
      auto q = torch::randn({B, H, T, D}, torch::kFloat64).requires_grad_(ops_path);
      auto k = torch::randn({B, Hkv, S, D}, torch::kFloat64);
      auto v = torch::randn({B, Hkv, S, D}, torch::kFloat64);
      auto qd = q.detach();
      // Causal at the end of S, and row 1 also masks its first two keys (padding).
      auto allowed =
          torch::ones({T, S}, torch::kBool).tril(S - T).view({1, 1, T, S}).repeat({B, 1, 1, 1});
      auto implicit = GroupedQueryAttention(q, k, v, torch::Tensor(), 0.5);
      EXPECT_EQ(implicit.requires_grad(), ops_path);
      EXPECT_TRUE(torch::allclose(implicit.detach(), ReferenceAttention(qd, k, v, allowed, 0.5),
                                  1e-10, 1e-10));
      allowed[1].narrow(-1, 0, 2).fill_(false);
      auto got = GroupedQueryAttention(q, k, v, allowed, 0.5);
      EXPECT_TRUE(
          torch::allclose(got.detach(), ReferenceAttention(qd, k, v, allowed, 0.5), 1e-10, 1e-10));
      // A fully masked row stays finite.
      allowed[0][0][0].fill_(false);
      EXPECT_TRUE(torch::isfinite(GroupedQueryAttention(q, k, v, allowed, 0.5)).all().item<bool>());
    }
}

std::map<std::string, std::vector<int64_t>> ParamShapes(CausalLM& m) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& p : m.named_parameters())
    out[p.key()] = std::vector<int64_t>(p.value().sizes().begin(), p.value().sizes().end());
  return out;
}

// The names and shapes transformers' LlamaForCausalLM / Qwen2ForCausalLM /
// Qwen3ForCausalLM state dicts have, written out from their modeling files.
std::map<std::string, std::vector<int64_t>> TransformersShapes(const ModelConfig& c) {
  std::map<std::string, std::vector<int64_t>> s;
  const int64_t C = c.hidden_size, I = c.intermediate_size, V = c.vocab_size;
  const int64_t q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim;
  s["model.embed_tokens.weight"] = {V, C};
  s["model.norm.weight"] = {C};
  if (!c.tie_word_embeddings) s["lm_head.weight"] = {V, C};
  for (int i = 0; i < c.num_hidden_layers; ++i) {
    std::string p = "model.layers." + std::to_string(i) + ".";
    s[p + "self_attn.q_proj.weight"] = {q, C};
    s[p + "self_attn.k_proj.weight"] = {kv, C};
    s[p + "self_attn.v_proj.weight"] = {kv, C};
    s[p + "self_attn.o_proj.weight"] = {C, q};
    if (c.model_type == "qwen2") {
      s[p + "self_attn.q_proj.bias"] = {q};
      s[p + "self_attn.k_proj.bias"] = {kv};
      s[p + "self_attn.v_proj.bias"] = {kv};
    }
    if (c.model_type == "qwen3") {
      s[p + "self_attn.q_norm.weight"] = {c.head_dim};
      s[p + "self_attn.k_norm.weight"] = {c.head_dim};
    }
    s[p + "mlp.gate_proj.weight"] = {I, C};
    s[p + "mlp.up_proj.weight"] = {I, C};
    s[p + "mlp.down_proj.weight"] = {C, I};
    s[p + "input_layernorm.weight"] = {C};
    s[p + "post_attention_layernorm.weight"] = {C};
  }
  return s;
}

TEST(FamilyTest, NamesAndShapesAreTransformers) {
  for (const char* type : {"llama", "qwen2", "qwen3"}) {
    for (bool tie : {false, true}) {
      ModelConfig c = TinyConfig(type);
      c.tie_word_embeddings = tie;
      auto m = BuildModel(c, torch::kCPU, torch::kFloat32);
      ASSERT_TRUE(m.ok()) << m.status().message();
      EXPECT_EQ(ParamShapes(**m), TransformersShapes(c)) << type << " tie=" << tie;
    }
  }
}

TEST(FamilyTest, Qwen3QkNormBeforeRope) {
  // One qwen3 attention layer against a hand-written forward with explicit
  // per-head RMSNorm of q and k, then RoPE, then the reference attention.
  ModelConfig c = TinyConfig("qwen3");
  c.num_hidden_layers = 1;
  auto built = BuildModel(c, torch::kCPU, torch::kFloat64, /*seed=*/5);
  ASSERT_TRUE(built.ok());
  auto* lm = dynamic_cast<DecoderLM*>(built->get());
  ASSERT_NE(lm, nullptr);
  auto attn = lm->model->layers[0]->as<DecoderLayerImpl>()->self_attn;
  {
    torch::NoGradGuard ng;
    attn->q_norm->weight.uniform_(0.5, 1.5);
    attn->k_norm->weight.uniform_(0.5, 1.5);
  }
  const int B = 1, T = 3, H = 4, Hkv = 2, D = 8;
  torch::manual_seed(4);
  auto x = torch::randn({B, T, c.hidden_size}, torch::kFloat64);
  auto pos = torch::arange(T, torch::kInt64).view({B, T});
  auto inv = RopeInverseFrequencies(D, c.rope_theta, std::nullopt);
  auto [cos, sin] = RopeCosSin(inv, pos);
  cos = cos.to(torch::kFloat64);
  sin = sin.to(torch::kFloat64);
  torch::NoGradGuard ng;
  auto got = attn->forward(x, cos, sin, torch::Tensor(), nullptr);

  auto head_rms = [&](torch::Tensor proj, const torch::Tensor& w, int heads) {
    // proj: [B, T, heads*D] -> per-head normalised [B, heads, T, D] via loops.
    auto out = torch::zeros({B, heads, T, D}, torch::kFloat64);
    for (int t = 0; t < T; ++t)
      for (int h = 0; h < heads; ++h) {
        LD ss = 0;
        for (int d = 0; d < D; ++d) {
          LD e = proj[0][t][h * D + d].item<double>();
          ss += e * e;
        }
        LD inv_rms = 1.0L / std::sqrt(ss / D + c.rms_norm_eps);
        for (int d = 0; d < D; ++d)
          out[0][h][t][d] =
              (double)(proj[0][t][h * D + d].item<double>() * inv_rms * w[d].item<double>());
      }
    return out;
  };
  auto q = head_rms(torch::matmul(x, attn->q_proj->weight.t()), attn->q_norm->weight, H);
  auto k = head_rms(torch::matmul(x, attn->k_proj->weight.t()), attn->k_norm->weight, Hkv);
  auto v = torch::matmul(x, attn->v_proj->weight.t()).view({B, T, Hkv, D}).transpose(1, 2);
  q = ApplyRope(q, cos, sin);
  k = ApplyRope(k, cos, sin);
  auto allowed = torch::ones({T, T}, torch::kBool).tril().view({1, 1, T, T});
  auto o = ReferenceAttention(q, k, v, allowed, 1.0 / std::sqrt((double)D));
  auto expect = torch::matmul(o.transpose(1, 2).reshape({B, T, H * D}), attn->o_proj->weight.t());
  EXPECT_TRUE(torch::allclose(got, expect, 1e-9, 1e-9));
}

TEST(FamilyTest, KvCachePathEqualsFullRecompute) {
  for (const char* type : {"llama", "qwen2", "qwen3"}) {
    ModelConfig c = TinyConfig(type);
    auto built = BuildModel(c, torch::kCPU, torch::kFloat64, 7);
    ASSERT_TRUE(built.ok());
    CausalLM& m = **built;
    torch::NoGradGuard ng;
    const int B = 2, T = 6, P = 3;
    auto ids = torch::randint(0, c.vocab_size, {B, T}, torch::kInt64);
    auto pos = torch::arange(T, torch::kInt64).expand({B, T});
    auto full = m.Forward(ids, pos, torch::Tensor(), nullptr);  // [B, T, C]
    ConcatKvCache cache;
    auto prefix = m.Forward(ids.narrow(1, 0, P), pos.narrow(1, 0, P), torch::Tensor(), &cache);
    EXPECT_TRUE(torch::allclose(prefix, full.narrow(1, 0, P), 1e-10, 1e-10)) << type;
    for (int t = P; t < T; ++t) {
      auto mask = torch::ones({B, 1, 1, t + 1}, torch::kBool);
      auto step = m.Forward(ids.narrow(1, t, 1), pos.narrow(1, t, 1), mask, &cache);
      EXPECT_TRUE(torch::allclose(step, full.narrow(1, t, 1), 1e-10, 1e-10)) << type << " t=" << t;
    }
  }
}

}  // namespace
}  // namespace rlzero
