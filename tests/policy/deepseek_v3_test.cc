// Tests of the deepseek_v3 family: MLA naive == absorbed, the cache holds only
// latent + rope key and decoding with it equals a full recompute, MoE equals
// the per-token dense sum over the selected experts, routing follows
// DeepSeek-V3's group-limited rule, balancing moves load toward uniform, YaRN
// and interleaved RoPE against closed forms computed here independently.
#include "policy/deepseek/deepseek_v3.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "policy/model_io.h"

namespace rlzero::deepseek {
namespace {

DeepseekV3Config TinyConfig() {
  DeepseekV3Config c;
  c.vocab_size = 50;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.moe_intermediate_size = 16;
  c.num_hidden_layers = 3;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 4;
  c.n_shared_experts = 1;
  c.n_routed_experts = 8;
  c.routed_scaling_factor = 2.5;
  c.kv_lora_rank = 12;
  c.q_lora_rank = 10;
  c.qk_rope_head_dim = 4;
  c.v_head_dim = 6;
  c.qk_nope_head_dim = 8;
  c.n_group = 4;
  c.topk_group = 2;
  c.num_experts_per_tok = 2;
  c.first_k_dense_replace = 1;
  c.num_nextn_predict_layers = 1;
  c.max_position_embeddings = 64;
  c.initializer_range = 0.2;
  return c;
}

// A cache that stores everything appended and checks the MLA contract.
class RecordingCache : public KvCache {
 public:
  std::pair<torch::Tensor, torch::Tensor> Append(int layer, const torch::Tensor& k,
                                                 const torch::Tensor& v) override {
    last_k_sizes = k.sizes().vec();
    last_v_sizes = v.sizes().vec();
    if (static_cast<int>(keys.size()) <= layer) keys.resize(layer + 1);
    keys[layer] = keys[layer].defined() ? torch::cat({keys[layer], k}, 2) : k;
    return {keys[layer], torch::empty({k.size(0), 1, keys[layer].size(2), 0})};
  }
  std::vector<torch::Tensor> keys;
  std::vector<int64_t> last_k_sizes, last_v_sizes;
};

torch::Tensor Positions(int64_t B, int64_t start, int64_t T) {
  return torch::arange(start, start + T, torch::kInt64).unsqueeze(0).expand({B, T}).contiguous();
}

TEST(DeepseekV3ConfigTest, RoundTripsThroughJsonAndNamesBadFields) {
  DeepseekV3Config c = TinyConfig();
  c.q_lora_rank = 0;
  RopeScaling yarn;
  yarn.rope_type = "yarn";
  yarn.factor = 4;
  yarn.original_max_position_embeddings = 16;
  yarn.mscale = 0.707;
  yarn.mscale_all_dim = 0.707;
  c.rope_scaling = yarn;
  auto j = c.ToJson();
  EXPECT_EQ(j["rope_scaling"]["rope_type"], "yarn");
  EXPECT_EQ(j["rope_scaling"]["mscale_all_dim"], 0.707);
  EXPECT_TRUE(j["q_lora_rank"].is_null());
  EXPECT_EQ(j["model_type"], "deepseek_v3");
  auto back = DeepseekV3Config::FromJson(j, "config.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), j);
  j["n_group"] = 3;
  auto bad = DeepseekV3Config::FromJson(j, "config.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("config.json: n_routed_experts must be a multiple"),
            std::string::npos);
  // transformers 5's rope_parameters in place of rope_theta / rope_scaling.
  j = c.ToJson();
  nlohmann::json params = j["rope_scaling"];
  params["rope_theta"] = 50000.0;
  j.erase("rope_theta");
  j.erase("rope_scaling");
  j["rope_parameters"] = params;
  auto v5 = DeepseekV3Config::FromJson(j, "config.json");
  ASSERT_TRUE(v5.ok()) << v5.status().ToString();
  EXPECT_DOUBLE_EQ(v5->rope_theta, 50000.0);
  ASSERT_TRUE(v5->rope_scaling.has_value());
  EXPECT_EQ(v5->rope_scaling->rope_type, "yarn");
  EXPECT_DOUBLE_EQ(v5->rope_scaling->mscale_all_dim, 0.707);
  j = c.ToJson();
  j["hidden_size"] = "big";
  bad = DeepseekV3Config::FromJson(j, "m/config.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("m/config.json: field 'hidden_size'"), std::string::npos);
}

TEST(DeepseekV3Test, WeightNamesAndShapesMatchTransformers) {
  DeepseekV3ForCausalLM m(TinyConfig());
  auto params = m.named_parameters();
  auto shape = [&](const std::string& n) {
    auto* p = params.find(n);
    EXPECT_NE(p, nullptr) << n;
    return p ? p->sizes().vec() : std::vector<int64_t>{};
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(shape("model.embed_tokens.weight"), (V{50, 32}));
  EXPECT_EQ(shape("model.layers.0.self_attn.q_a_proj.weight"), (V{10, 32}));
  EXPECT_EQ(shape("model.layers.0.self_attn.q_a_layernorm.weight"), (V{10}));
  EXPECT_EQ(shape("model.layers.0.self_attn.q_b_proj.weight"), (V{4 * 12, 10}));
  EXPECT_EQ(shape("model.layers.0.self_attn.kv_a_proj_with_mqa.weight"), (V{12 + 4, 32}));
  EXPECT_EQ(shape("model.layers.0.self_attn.kv_a_layernorm.weight"), (V{12}));
  EXPECT_EQ(shape("model.layers.0.self_attn.kv_b_proj.weight"), (V{4 * (8 + 6), 12}));
  EXPECT_EQ(shape("model.layers.0.self_attn.o_proj.weight"), (V{32, 4 * 6}));
  EXPECT_EQ(shape("model.layers.0.mlp.gate_proj.weight"), (V{48, 32}));
  EXPECT_EQ(shape("model.layers.1.mlp.gate.weight"), (V{8, 32}));
  EXPECT_EQ(shape("model.layers.1.mlp.experts.7.down_proj.weight"), (V{32, 16}));
  EXPECT_EQ(shape("model.layers.1.mlp.shared_experts.up_proj.weight"), (V{16, 32}));
  EXPECT_EQ(shape("model.layers.3.eh_proj.weight"), (V{32, 64}));
  EXPECT_EQ(shape("model.layers.3.shared_head.head.weight"), (V{50, 32}));
  EXPECT_EQ(shape("model.norm.weight"), (V{32}));
  EXPECT_EQ(shape("lm_head.weight"), (V{50, 32}));
  EXPECT_EQ(shape("model.layers.1.mlp.gate.e_score_correction_bias"), (V{8}));
  EXPECT_FALSE(params["model.layers.1.mlp.gate.e_score_correction_bias"].requires_grad());
}

// InitWeights draws from a generator of its own: it neither reads nor moves
// the global one, so models initialised on several threads at once (data-
// parallel ranks in one process) each get exactly their seed's weights.
TEST(DeepseekV3Test, InitWeightsLeavesTheGlobalGeneratorAloneAndIsThreadSafe) {
  DeepseekV3Config c = TinyConfig();
  auto weights_of = [](DeepseekV3ForCausalLM& m) {
    std::vector<torch::Tensor> out;
    for (const auto& p : m.parameters()) out.push_back(p.detach().clone());
    return out;
  };
  auto weights = [&](uint64_t seed) {
    DeepseekV3ForCausalLM m(c);  // the modules' own constructors draw globally
    m.InitWeights(seed);
    return weights_of(m);
  };
  DeepseekV3ForCausalLM first(c);
  torch::manual_seed(5);
  const auto want_next = torch::rand({4});
  torch::manual_seed(5);
  first.InitWeights(3);
  EXPECT_TRUE(torch::equal(torch::rand({4}), want_next))
      << "InitWeights moved the global generator";
  const auto reference = weights_of(first);

  std::atomic<int> mismatches{0};
  auto init_many = [&] {
    for (int i = 0; i < 40; ++i) {
      const auto w = weights(3);
      for (size_t j = 0; j < w.size(); ++j)
        if (!torch::equal(w[j], reference[j])) ++mismatches;
    }
  };
  std::thread other(init_many);
  init_many();
  other.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(DeepseekV3Test, NaiveAndAbsorbedAttentionAgree) {
  torch::NoGradGuard ng;
  DeepseekV3ForCausalLM m(TinyConfig());
  m.InitWeights(1);
  m.to(torch::kFloat64);
  auto ids = torch::randint(0, 50, {2, 7}, torch::kInt64);
  auto pos = Positions(2, 0, 7);
  m.set_absorbed(false);
  auto a = m.Forward(ids, pos, torch::Tensor(), nullptr);
  m.set_absorbed(true);
  auto b = m.Forward(ids, pos, torch::Tensor(), nullptr);
  EXPECT_TRUE(torch::allclose(a, b, 1e-9, 1e-9)) << (a - b).abs().max().item<double>();
}

TEST(DeepseekV3Test, CacheHoldsOnlyLatentAndRopeKeyAndMatchesRecompute) {
  torch::NoGradGuard ng;
  DeepseekV3Config c = TinyConfig();
  DeepseekV3ForCausalLM m(c);
  m.InitWeights(2);
  m.to(torch::kFloat64);
  auto ids = torch::randint(0, 50, {2, 9}, torch::kInt64);
  auto full = m.Logits(m.Forward(ids, Positions(2, 0, 9), torch::Tensor(), nullptr));
  for (bool absorbed : {false, true}) {
    m.set_absorbed(absorbed);
    RecordingCache cache;
    // Prefill 5 tokens, then decode 4 one at a time.
    auto mask = torch::ones({5, 5}, torch::kBool).tril().view({1, 1, 5, 5}).expand({2, 1, 5, 5});
    auto h = m.Forward(ids.narrow(1, 0, 5), Positions(2, 0, 5), mask, &cache);
    EXPECT_EQ(cache.last_k_sizes,
              (std::vector<int64_t>{2, 1, 5, c.kv_lora_rank + c.qk_rope_head_dim}));
    EXPECT_EQ(cache.last_v_sizes, (std::vector<int64_t>{2, 1, 5, 0}));
    EXPECT_TRUE(torch::allclose(m.Logits(h), full.narrow(1, 0, 5), 1e-8, 1e-8));
    for (int64_t t = 5; t < 9; ++t) {
      auto step_mask = torch::ones({2, 1, 1, t + 1}, torch::kBool);
      auto hs = m.Forward(ids.narrow(1, t, 1), Positions(2, t, 1), step_mask, &cache);
      EXPECT_TRUE(torch::allclose(m.Logits(hs), full.narrow(1, t, 1), 1e-8, 1e-8))
          << "absorbed=" << absorbed << " t=" << t;
    }
    ASSERT_EQ(cache.keys.size(), static_cast<size_t>(c.num_hidden_layers));
    EXPECT_EQ(cache.keys[0].size(-1), c.kv_lora_rank + c.qk_rope_head_dim);
  }
}

TEST(DeepseekV3Test, MoeEqualsPerTokenDenseSumOverSelectedExperts) {
  torch::NoGradGuard ng;
  DeepseekV3Config c = TinyConfig();
  torch::manual_seed(3);
  Moe moe(c);
  for (auto& p : moe->parameters()) p.normal_(0, 0.3);
  moe->to(torch::kFloat64);
  auto x = torch::randn({3, 5, c.hidden_size}, torch::kFloat64);
  auto out = moe(x);
  auto flat = x.view({-1, c.hidden_size});
  auto [idx, w] = moe->gate(flat);
  for (int64_t n = 0; n < flat.size(0); ++n) {
    auto row = flat[n].unsqueeze(0);
    auto expect = moe->shared_experts(row);
    for (int64_t k = 0; k < idx.size(1); ++k) {
      int64_t e = idx[n][k].item<int64_t>();
      expect = expect + moe->experts[e]->as<SwiGluMlpImpl>()->forward(row) * w[n][k].item<double>();
    }
    EXPECT_TRUE(torch::allclose(out.view({-1, c.hidden_size})[n], expect[0], 1e-10, 1e-10)) << n;
  }
}

// Hand-worked routing: 8 experts in 4 groups of 2, topk_group 2, top-2.
TEST(DeepseekV3Test, RouterFollowsGroupLimitedSelectionWithBiasForChoiceOnly) {
  torch::NoGradGuard ng;
  DeepseekV3Config c = TinyConfig();
  c.hidden_size = 8;
  TopkRouter r(c);
  r->weight.copy_(torch::eye(8) * 1.0);
  // Logits = x. Scores = sigmoid(x).
  auto x = torch::tensor({{0.0, 0.1, 3.0, -3.0, 2.0, 2.0, 1.0, 2.5}});
  // Bias pushes expert 0 up for choice: group 0 = {0,1} gets 0.5+10 + 0.52.
  r->e_score_correction_bias.copy_(torch::tensor({10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}));
  auto [idx, w] = r(x);
  auto sorted = std::get<0>(idx.sort(-1));
  // Group sums (sigmoid + bias): g0 = 10.5+0.525, g1 = .953+.047, g2 = .881*2, g3 = .731+.924.
  // Best groups: g0 and g2 -> candidates {0,1,4,5}; top-2 by choice: 0 and one of 4/5 (tie);
  // expert 0 must be chosen, expert 2 (largest raw score, group 1) must not.
  EXPECT_EQ(sorted[0][0].item<int64_t>(), 0);
  int64_t second = sorted[0][1].item<int64_t>();
  EXPECT_TRUE(second == 4 || second == 5) << second;
  // Weights use unbiased scores, normalised, times 2.5.
  double s0 = 1 / (1 + std::exp(-0.0)), s4 = 1 / (1 + std::exp(-2.0));
  auto wsorted = w.gather(1, std::get<1>(idx.sort(-1)));
  EXPECT_NEAR(wsorted[0][0].item<double>(), 2.5 * s0 / (s0 + s4), 1e-6);
  EXPECT_NEAR(wsorted[0][1].item<double>(), 2.5 * s4 / (s0 + s4), 1e-6);
}

TEST(DeepseekV3Test, SoftmaxRoutingSelectsTopKOfSoftmax) {
  torch::NoGradGuard ng;
  DeepseekV3Config c = TinyConfig();
  c.hidden_size = 8;
  c.scoring_func = "softmax";
  c.n_group = 1;
  c.topk_group = 1;
  c.norm_topk_prob = false;
  c.routed_scaling_factor = 1.0;
  TopkRouter r(c);
  r->weight.copy_(torch::eye(8));
  auto x = torch::tensor({{0.0, 0.1, 3.0, -3.0, 2.0, 2.2, 1.0, 2.5}});
  auto [idx, w] = r(x);
  auto probs = torch::softmax(x, -1);
  auto sorted = std::get<0>(idx.sort(-1));
  EXPECT_EQ(sorted[0][0].item<int64_t>(), 2);
  EXPECT_EQ(sorted[0][1].item<int64_t>(), 7);
  EXPECT_NEAR(w.sum().item<double>(), (probs[0][2] + probs[0][7]).item<double>(), 1e-6);
}

TEST(DeepseekV3Test, BiasBalancingMovesLoadTowardUniform) {
  torch::NoGradGuard ng;
  DeepseekV3Config c = TinyConfig();
  c.n_group = 1;
  c.topk_group = 1;
  torch::manual_seed(4);
  Moe moe(c);
  // A router that strongly prefers experts 0 and 1.
  moe->gate->weight.normal_(0, 0.05);
  moe->gate->weight[0].add_(0.05);
  moe->gate->weight[1].add_(0.05);
  auto x = torch::randn({256, c.hidden_size}).abs();
  auto imbalance = [&]() {
    moe->ResetLoad();
    moe(x);
    auto load = moe->expert_load().to(torch::kFloat64);
    return (load.max() / load.mean()).item<double>();
  };
  double before = imbalance();
  for (int i = 0; i < 300; ++i) {
    moe(x);
    moe->UpdateBias(0.002);
  }
  double after = imbalance();
  EXPECT_GT(before, 3.0);
  EXPECT_LT(after, 1.5);
}

// A load mask counts only the marked tokens: a right-padded batch under its
// padding mask counts exactly what its rows count one by one, unpadded (the
// routing of a real token does not depend on the padding after it).
TEST(DeepseekV3Test, LoadMaskCountsOnlyRealTokensOfAPaddedBatch) {
  torch::NoGradGuard ng;
  DeepseekV3Config c = TinyConfig();
  c.num_nextn_predict_layers = 0;
  DeepseekV3ForCausalLM m(c);
  m.InitWeights(7);
  m.to(torch::kFloat64);
  const std::vector<int64_t> lengths = {9, 4, 6};
  const int64_t B = 3, T = 9, K = c.num_experts_per_tok;
  auto ids = torch::randint(1, c.vocab_size, {B, T}, torch::kInt64);
  auto real = torch::zeros({B, T}, torch::kBool);
  for (int64_t b = 0; b < B; ++b) {
    real[b].narrow(0, 0, lengths[b]).fill_(true);
    ids[b].narrow(0, lengths[b], T - lengths[b]).fill_(0);  // right padding
  }
  const size_t layers = m.MoeLayers().size();
  ASSERT_EQ(layers, 2u);

  // Unpadded, one row at a time.
  m.ResetExpertLoads();
  for (int64_t b = 0; b < B; ++b) {
    auto row = ids[b].narrow(0, 0, lengths[b]).unsqueeze(0);
    m.Forward(row, Positions(1, 0, lengths[b]), torch::Tensor(), nullptr);
  }
  std::vector<torch::Tensor> expected = m.ExpertLoads();

  // Padded, masked.
  m.ResetExpertLoads();
  {
    ScopedExpertLoadMask scope(&m, real);
    m.Forward(ids, Positions(B, 0, T), torch::Tensor(), nullptr);
  }
  std::vector<torch::Tensor> masked = m.ExpertLoads();
  for (size_t l = 0; l < layers; ++l) {
    EXPECT_TRUE(torch::equal(masked[l], expected[l])) << "layer " << l;
    EXPECT_EQ(masked[l].sum().item<int64_t>(), (9 + 4 + 6) * K);
  }

  // The scope cleared the mask: every token counts again, padding included.
  m.ResetExpertLoads();
  m.Forward(ids, Positions(B, 0, T), torch::Tensor(), nullptr);
  EXPECT_EQ(m.ExpertLoads()[0].sum().item<int64_t>(), B * T * K);

  // A mask of the wrong size is a programmer error, reported with both counts.
  m.SetExpertLoadMask(torch::ones({2, 2}, torch::kBool));
  try {
    m.Forward(ids, Positions(B, 0, T), torch::Tensor(), nullptr);
    ADD_FAILURE() << "a mismatched load mask was accepted";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("4 entries for a forward pass of 27 tokens"),
              std::string::npos)
        << e.what();
  }
  m.SetExpertLoadMask(torch::Tensor());
}

// UpdateExpertBiasFrom applies the given loads (e.g. summed over ranks), not
// the replica's own, and clears the replica's counts.
TEST(DeepseekV3Test, BiasUpdateFromGivenLoads) {
  torch::NoGradGuard ng;
  DeepseekV3Config c = TinyConfig();
  c.num_nextn_predict_layers = 0;
  DeepseekV3ForCausalLM m(c);
  m.InitWeights(1);
  m.Forward(torch::randint(0, c.vocab_size, {2, 5}, torch::kInt64), Positions(2, 0, 5),
            torch::Tensor(), nullptr);
  // Layer 1: experts 0-3 below the mean, 4-7 above; layer 2: 3 equals the mean (no move).
  std::vector<torch::Tensor> loads = {
      torch::tensor({0, 1, 2, 3, 5, 6, 7, 8}, torch::kInt64),
      torch::tensor({1.0, 1.0, 1.0, 3.0, 5.0, 5.0, 5.0, 3.0}, torch::kFloat64)};
  m.UpdateExpertBiasFrom(loads, 0.5);
  auto b1 = m.MoeLayers()[0]->gate->e_score_correction_bias;
  auto b2 = m.MoeLayers()[1]->gate->e_score_correction_bias;
  EXPECT_TRUE(torch::equal(b1, torch::tensor({.5f, .5f, .5f, .5f, -.5f, -.5f, -.5f, -.5f})));
  EXPECT_TRUE(torch::equal(b2, torch::tensor({.5f, .5f, .5f, 0.f, -.5f, -.5f, -.5f, 0.f})));
  for (const auto& l : m.ExpertLoads()) EXPECT_EQ(l.sum().item<int64_t>(), 0);
  EXPECT_THROW(m.UpdateExpertBiasFrom({loads[0]}, 0.5), c10::Error);
}

// YaRN inverse frequencies, computed here with the formulas of the YaRN paper
// as transformers implements them, in long double; and DeepSeek's softmax
// scale (qk_head_dim^-0.5 times yarn_get_mscale(factor, mscale_all_dim)^2).
TEST(DeepseekV3Test, YarnInvFreqAndSoftmaxScaleMatchClosedForm) {
  DeepseekV3Config c = TinyConfig();
  c.qk_rope_head_dim = 16;
  c.rope_theta = 10000;
  RopeScaling y;
  y.rope_type = "yarn";
  y.factor = 40;
  y.original_max_position_embeddings = 4096;
  y.beta_fast = 32;
  y.beta_slow = 1;
  y.mscale = 1.0;
  y.mscale_all_dim = 0.8;
  c.rope_scaling = y;
  MlaRotary r = MlaRotary::Make(c);
  const long double d = 16, base = 10000, L = 4096, pi = 3.14159265358979323846264338327950288L;
  auto corr = [&](long double rot) {
    return d * std::log(L / (rot * 2 * pi)) / (2 * std::log(base));
  };
  long double lo = std::max<long double>(std::floor(corr(32)), 0);
  long double hi = std::min<long double>(std::ceil(corr(1)), d - 1);
  for (int i = 0; i < 8; ++i) {
    long double pf = std::pow(base, 2 * i / d);
    long double ramp = std::min<long double>(std::max<long double>((i - lo) / (hi - lo), 0), 1);
    long double extra = 1 - ramp;
    long double expect = (1 / (40 * pf)) * (1 - extra) + (1 / pf) * extra;
    EXPECT_NEAR(r.inv_freq[i].item<double>(), static_cast<double>(expect), 1e-7 * expect) << i;
  }
  // attention factor = mscale(40, 1) / mscale(40, 0.8) on cos and sin.
  const long double m1 = 0.1L * std::log(40.0L) + 1, m08 = 0.1L * 0.8L * std::log(40.0L) + 1;
  EXPECT_NEAR(r.attention_factor, static_cast<double>(m1 / m08), 1e-12);
  MlaAttention attn(c);
  const long double qk = c.qk_nope_head_dim + c.qk_rope_head_dim;
  EXPECT_NEAR(attn->softmax_scale(), static_cast<double>(m08 * m08 / std::sqrt(qk)), 1e-12);
  c.rope_scaling.reset();
  EXPECT_NEAR(MlaAttention(c)->softmax_scale(), static_cast<double>(1 / std::sqrt(qk)), 1e-12);
}

// A config.json with yarn goes through the common parser to the family.
TEST(DeepseekV3FamilyTest, YarnConfigReachesTheModel) {
  nlohmann::json j = TinyConfig().ToJson();
  j["rope_scaling"] = {{"type", "yarn"},
                       {"factor", 4.0},
                       {"beta_fast", 32},
                       {"beta_slow", 1},
                       {"mscale", 1.0},
                       {"mscale_all_dim", 1.0},
                       {"original_max_position_embeddings", 16}};
  auto config = ParseModelConfig(j, "tiny/config.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->rope_scaling.has_value());
  EXPECT_EQ(config->rope_scaling->rope_type, "yarn");
  auto built = BuildModel(*config, torch::kCPU, torch::kFloat32, 7);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  auto* ds = dynamic_cast<DeepseekV3ForCausalLM*>(built->get());
  ASSERT_NE(ds, nullptr);
  ASSERT_TRUE(ds->config().rope_scaling.has_value());
  EXPECT_DOUBLE_EQ(ds->config().rope_scaling->factor, 4.0);
  const double m = 0.1 * std::log(4.0) + 1;
  auto* attn = ds->model->layers[0]->as<DecoderLayerImpl>()->self_attn.get();
  EXPECT_NEAR(attn->softmax_scale(), m * m / std::sqrt(12.0), 1e-12);
  j["rope_scaling"] = {{"rope_type", "longrope"}, {"factor", 4.0}};
  auto bad = ParseModelConfig(j, "tiny/config.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("rope_type 'longrope' is not supported"), std::string::npos)
      << bad.status().message();
}

// Interleaved RoPE: pairs (x0,x1),(x2,x3) gathered to (x0,x2 | x1,x3), then
// rotate_half rotation with angle p * inv_freq.
TEST(DeepseekV3Test, InterleavedRopeMatchesExplicitRotation) {
  auto x = torch::tensor({1.0, 2.0, 3.0, 4.0}, torch::kFloat64).view({1, 1, 1, 4});
  double p = 3.0, f0 = 1.0, f1 = 0.01;
  auto cos = torch::tensor({std::cos(p * f0), std::cos(p * f1), std::cos(p * f0), std::cos(p * f1)},
                           torch::kFloat64)
                 .view({1, 1, 4});
  auto sin = torch::tensor({std::sin(p * f0), std::sin(p * f1), std::sin(p * f0), std::sin(p * f1)},
                           torch::kFloat64)
                 .view({1, 1, 4});
  auto y = ApplyMlaRope(x, cos, sin, /*interleave=*/true).view({4});
  // De-interleaved: a = (1, 3), b = (2, 4); out = (a*cos - b*sin, b*cos + a*sin).
  EXPECT_NEAR(y[0].item<double>(), 1 * std::cos(p * f0) - 2 * std::sin(p * f0), 1e-12);
  EXPECT_NEAR(y[1].item<double>(), 3 * std::cos(p * f1) - 4 * std::sin(p * f1), 1e-12);
  EXPECT_NEAR(y[2].item<double>(), 2 * std::cos(p * f0) + 1 * std::sin(p * f0), 1e-12);
  EXPECT_NEAR(y[3].item<double>(), 4 * std::cos(p * f1) + 3 * std::sin(p * f1), 1e-12);
}

TEST(DeepseekV3Test, MtpPredictsFromHiddenAndNextTokenEmbedding) {
  torch::NoGradGuard ng;
  DeepseekV3ForCausalLM m(TinyConfig());
  m.InitWeights(5);
  auto ids = torch::randint(0, 50, {2, 6}, torch::kInt64);
  auto h = m.Forward(ids, Positions(2, 0, 6), torch::Tensor(), nullptr);
  auto next = ids.narrow(1, 1, 5);
  auto [logits, h1] = m.MtpForward(0, h.narrow(1, 0, 5), next, Positions(2, 0, 5));
  EXPECT_EQ(logits.sizes().vec(), (std::vector<int64_t>{2, 5, 50}));
  // Changing the next token changes the MTP prediction: it really reads t+1.
  auto next2 = next.clone();
  next2[0][0] = (next2[0][0].item<int64_t>() + 1) % 50;
  auto [logits2, unused] = m.MtpForward(0, h.narrow(1, 0, 5), next2, Positions(2, 0, 5));
  EXPECT_FALSE(torch::allclose(logits[0][0], logits2[0][0]));
  EXPECT_TRUE(torch::allclose(logits[1], logits2[1]));
}

// Through the family registry: config.json -> BuildModel -> SaveModel ->
// LoadModel gives the same tensors and the same logits.
TEST(DeepseekV3FamilyTest, SavesAndLoadsThroughTheRegistry) {
  torch::NoGradGuard ng;
  nlohmann::json j = TinyConfig().ToJson();
  auto config = ParseModelConfig(j, "tiny/config.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto built = BuildModel(*config, torch::kCPU, torch::kFloat32, 7);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  auto params = (*built)->named_parameters();
  EXPECT_EQ(params["model.layers.1.mlp.gate.e_score_correction_bias"].abs().sum().item<double>(),
            0.0);
  std::string dir = ::testing::TempDir() + "/deepseek_tiny";
  ASSERT_TRUE(SaveModel(dir, *config, **built).ok());
  auto loaded = LoadModel(dir, torch::kCPU, torch::kFloat32);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config.model_type, "deepseek_v3");
  auto lp = loaded->model->named_parameters();
  ASSERT_EQ(lp.size(), params.size());
  for (const auto& p : params) EXPECT_TRUE(torch::equal(p.value(), lp[p.key()])) << p.key();
  auto ids = torch::randint(0, 50, {1, 5}, torch::kInt64);
  auto pos = torch::arange(5, torch::kInt64).unsqueeze(0);
  auto a = (*built)->Logits((*built)->Forward(ids, pos, torch::Tensor(), nullptr));
  auto b = loaded->model->Logits(loaded->model->Forward(ids, pos, torch::Tensor(), nullptr));
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_EQ(loaded->model->value_head_dim(), 0);
}

}  // namespace
}  // namespace rlzero::deepseek
