// tests/learner/learner_logprob_options_test.cc: the learner's execution
// options (grpo.logprob_chunk_tokens, grpo.autocast) on a tiny Qwen2-shaped
// policy: chunked log-probs give the same loss, metrics and gradients as
// full logits; bf16 autocast keeps float32 master weights and lands within a
// bf16 tolerance of float32; bad values are reported naming the key.
#include <gtest/gtest.h>

#include <cmath>

#include "learner/learner.h"
#include "learner/token_logprobs.h"
#include "policy/model_io.h"

// A named namespace: the unity build puts this file in one translation unit
// with learner_test.cc, whose anonymous-namespace helpers share names.
namespace rlzero::logprob_options_test {
namespace {

ModelConfig TinyQwen(bool tie) {
  ModelConfig c;
  c.model_type = "qwen2";
  c.vocab_size = 53;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  c.tie_word_embeddings = tie;
  c.initializer_range = 0.2;
  return c;
}

std::shared_ptr<CausalLM> Model(bool tie, torch::ScalarType dtype = torch::kFloat32) {
  auto m = BuildModel(TinyQwen(tie), torch::kCPU, dtype, /*seed=*/5);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

std::vector<TrainSample> Samples() {
  std::vector<TrainSample> s(4);
  s[0].prompt_ids = {1, 2, 3};
  s[0].completion_ids = {4, 50, 6, 7};
  s[1].prompt_ids = {1, 2};
  s[1].completion_ids = {3};
  s[2].prompt_ids = {5};
  s[2].completion_ids = {6, 6, 2, 11, 1, 3};
  s[3].prompt_ids = {2, 22, 2};
  s[3].completion_ids = {7, 0};
  const double adv[] = {1.0, -0.5, 0.8, -1.3};
  for (int i = 0; i < 4; ++i) {
    s[i].advantage = adv[i];
    for (size_t j = 0; j < s[i].completion_ids.size(); ++j) {
      s[i].behaviour_logprobs.push_back(-3.0f - 0.1f * static_cast<float>(j));
    }
  }
  return s;
}

GrpoConfig Grpo(int64_t chunk, const std::string& autocast, double entropy_coef) {
  GrpoConfig g;
  g.max_response_len = 8;
  g.logprob_chunk_tokens = chunk;
  g.autocast = autocast;
  g.objective.entropy_coef = entropy_coef;
  return g;
}

OptimConfig Optim() {
  OptimConfig o;
  o.lr = o.schedule.lr = 1e-3;
  o.grad_clip = 0.0;
  return o;
}

struct UpdateResult {
  UpdateMetrics metrics;
  double mismatch_kl = 0;
  std::vector<torch::Tensor> params;
};

UpdateResult OneUpdate(bool tie, const GrpoConfig& g) {
  auto model = Model(tie);
  auto learner = Learner::Create(model, nullptr, g, Optim(), 8);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  auto samples = Samples();
  auto kl = (*learner)->ComputeOldLogProbs(&samples);
  EXPECT_TRUE(kl.ok()) << kl.status().ToString();
  auto m = (*learner)->Update(samples, 0);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  UpdateResult r{*m, *kl, {}};
  for (auto& p : model->parameters()) r.params.push_back(p.detach().clone());
  return r;
}

// Loss sum(w_lp * logp) + sum(w_ent * entropy) over a collated batch, and
// the gradient of every parameter.
std::vector<torch::Tensor> Grads(CausalLM& model, const LogProbOptions& options, EntropyMode mode,
                                 torch::Tensor* logp_out) {
  auto samples = Samples();
  auto c = CollateSamples(samples, {0, 1, 2, 3}, torch::kCPU);
  EXPECT_TRUE(c.ok());
  model.zero_grad();
  auto [logp, entropy] = ForwardLogProbs(model, c->input_ids, c->targets, mode, options);
  torch::manual_seed(3);
  auto w = torch::randn(logp.sizes()) * c->mask;
  auto loss = (logp * w).sum();
  if (mode == EntropyMode::kDifferentiable) loss = loss + (entropy * w.flip(1)).sum();
  loss.backward();
  *logp_out = logp.detach();
  std::vector<torch::Tensor> grads;
  for (auto& p : model.parameters()) grads.push_back(p.grad().clone());
  return grads;
}

TEST(LearnerLogProbOptionsTest, ChunkedGradientsEqualFullLogits) {
  for (bool tie : {true, false}) {
    auto model = Model(tie);
    for (EntropyMode mode : {EntropyMode::kDetached, EntropyMode::kDifferentiable}) {
      torch::Tensor ref_lp;
      auto ref = Grads(*model, LogProbOptions{}, mode, &ref_lp);
      for (int64_t chunk : {1, 5, 7, 64}) {
        torch::Tensor lp;
        auto got = Grads(*model, LogProbOptions{chunk, std::nullopt}, mode, &lp);
        EXPECT_TRUE(torch::allclose(lp, ref_lp, 1e-5, 1e-5)) << "chunk " << chunk;
        for (size_t i = 0; i < ref.size(); ++i) {
          EXPECT_TRUE(torch::allclose(got[i], ref[i], 1e-5, 1e-5))
              << "param " << i << " chunk " << chunk << " tie " << tie << " max diff "
              << (got[i] - ref[i]).abs().max().item<double>();
        }
      }
    }
  }
}

TEST(LearnerLogProbOptionsTest, ChunkedUpdateMatchesFullLogits) {
  for (double entropy_coef : {0.0, 0.01}) {
    const UpdateResult full = OneUpdate(true, Grpo(0, "off", entropy_coef));
    const UpdateResult chunked = OneUpdate(true, Grpo(7, "off", entropy_coef));
    EXPECT_NEAR(chunked.metrics.loss, full.metrics.loss, 1e-6);
    EXPECT_NEAR(chunked.metrics.entropy, full.metrics.entropy, 1e-5);
    EXPECT_NEAR(chunked.metrics.grad_norm, full.metrics.grad_norm, 1e-5 * full.metrics.grad_norm);
    EXPECT_NEAR(chunked.mismatch_kl, full.mismatch_kl, 1e-6);
    EXPECT_EQ(chunked.metrics.tokens, full.metrics.tokens);
  }
}

TEST(LearnerLogProbOptionsTest, Bf16AutocastKeepsFloat32MasterWeights) {
  const UpdateResult fp32 = OneUpdate(true, Grpo(0, "off", 0.01));
  for (int64_t chunk : {0, 5}) {
    const UpdateResult bf16 = OneUpdate(true, Grpo(chunk, "bfloat16", 0.01));
    for (const auto& p : bf16.params) EXPECT_EQ(p.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(std::isfinite(bf16.metrics.loss));
    EXPECT_TRUE(std::isfinite(bf16.metrics.grad_norm));
    // bf16 matmuls: log-probs move by ~1e-2, the first-pass loss (ratio 1,
    // loss = -mean A w) by much less; the gradient by a few percent.
    EXPECT_NEAR(bf16.metrics.loss, fp32.metrics.loss, 0.02) << "chunk " << chunk;
    EXPECT_NEAR(bf16.metrics.entropy, fp32.metrics.entropy, 0.05 * fp32.metrics.entropy);
    EXPECT_NEAR(bf16.metrics.grad_norm, fp32.metrics.grad_norm, 0.05 * fp32.metrics.grad_norm);
    // The old log-probs were computed under the same autocast, so the policy
    // starts exactly on-policy against them.
    EXPECT_EQ(bf16.metrics.clip_frac, 0.0);
  }
}

TEST(LearnerLogProbOptionsTest, Bf16AutocastGradientsAreFloat32AndClose) {
  auto model = Model(false);
  torch::Tensor lp32, lp16;
  auto g32 = Grads(*model, LogProbOptions{}, EntropyMode::kDifferentiable, &lp32);
  auto g16 =
      Grads(*model, LogProbOptions{0, torch::kBFloat16}, EntropyMode::kDifferentiable, &lp16);
  EXPECT_EQ(lp16.scalar_type(), torch::kFloat32);
  EXPECT_FALSE(torch::equal(lp16, lp32)) << "autocast did not reach the model's matmuls";
  EXPECT_TRUE(torch::allclose(lp16, lp32, 0.03, 0.1))
      << "max diff " << (lp16 - lp32).abs().max().item<double>();
  double num = 0, den = 0;
  for (size_t i = 0; i < g32.size(); ++i) {
    EXPECT_EQ(g16[i].scalar_type(), torch::kFloat32) << i;
    EXPECT_TRUE(torch::isfinite(g16[i]).all().item<bool>()) << i;
    num += (g16[i] - g32[i]).pow(2).sum().item<double>();
    den += g32[i].pow(2).sum().item<double>();
  }
  EXPECT_LT(std::sqrt(num / den), 0.05);
}

// The entropy bonus differentiates the entropy: on logits {log 3, 0}
// (p = {3/4, 1/4}) dH/dz_i = -p_i (log p_i + H), by hand. kDetached gives the
// same value without a graph; kNone gives none.
TEST(TokenLogProbsTest, DifferentiableEntropyHasTheAnalyticGradient) {
  auto z = torch::tensor({std::log(3.0f), 0.0f}).view({1, 1, 2}).requires_grad_(true);
  auto targets = torch::zeros({1, 1}, torch::kInt64);
  auto [logp, h] = TokenLogProbsAndEntropy(z, targets, EntropyMode::kDifferentiable);
  const double p0 = 0.75, p1 = 0.25;
  const double H = -(p0 * std::log(p0) + p1 * std::log(p1));
  EXPECT_NEAR(h.item<double>(), H, 1e-6);
  EXPECT_NEAR(logp.item<double>(), std::log(p0), 1e-6);
  h.sum().backward();
  EXPECT_NEAR(z.grad()[0][0][0].item<double>(), -p0 * (std::log(p0) + H), 1e-6);
  EXPECT_NEAR(z.grad()[0][0][1].item<double>(), -p1 * (std::log(p1) + H), 1e-6);

  auto [logp2, detached] = TokenLogProbsAndEntropy(z, targets, EntropyMode::kDetached);
  EXPECT_NEAR(detached.item<double>(), H, 1e-6);
  EXPECT_FALSE(detached.requires_grad());
  EXPECT_FALSE(TokenLogProbsAndEntropy(z, targets, EntropyMode::kNone).second.defined());
}

TEST(LearnerLogProbOptionsTest, BadValuesAreReportedNamingTheKey) {
  Json root = Json::parse(R"({"grpo": {"autocast": "fp8", "logprob_chunk_tokens": -1}})");
  ConfigReader r(root, "test.yaml");
  ConfigReader gs = r.Section("grpo");
  ASSERT_TRUE(GrpoConfig::FromConfig(gs).ok());
  Status s = r.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("grpo.autocast"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("fp8"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("grpo.logprob_chunk_tokens"), std::string::npos) << s.message();

  EXPECT_FALSE(ParseAutocastDtype("float16").ok());
  auto created = Learner::Create(Model(true), nullptr, Grpo(0, "bf16", 0), Optim(), 8);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.status().message().find("grpo.autocast"), std::string::npos);
  // Autocast wants float32 master weights.
  created =
      Learner::Create(Model(true, torch::kBFloat16), nullptr, Grpo(0, "bfloat16", 0), Optim(), 8);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.status().message().find("float32"), std::string::npos)
      << created.status().message();
}

}  // namespace
}  // namespace rlzero::logprob_options_test
