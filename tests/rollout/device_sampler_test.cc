// tests/rollout/device_sampler_test.cc: the batched tensor sampler against
// the host sampler chain (sampling/sampler_chain.h, itself tested against
// hand-computed distributions in sampling_test.cc): on CPU tensors both
// must pick the same tokens with the same log-probs, for every stage
// combination, with tied logits and with uniforms at the ends of [0, 1).
#include "rollout/device_sampler.h"

#include <gtest/gtest.h>

#include "rollout/rollout_engine.h"
#include "rollout/sampling/sampler_chain.h"
#include "rollout/sampling/seeded_uniform.h"
#include "tests/rollout/tiny_policy_model.h"

namespace rlzero {
namespace {

using testing::TinyPolicyModel;

struct Case {
  double temperature;
  int top_k;
  double top_p;
  double min_p;
};

SamplingParams ParamsOf(const Case& cs) {
  SamplingParams p;
  p.temperature = cs.temperature;
  p.top_k = cs.top_k;
  p.top_p = cs.top_p;
  p.min_p = cs.min_p;
  return p;
}

TEST(DeviceSamplerTest, PicksWhatTheHostChainPicks) {
  const int64_t B = 24, V = 300;
  auto gen = at::detail::createCPUGenerator(5);
  // Logits on a 1/8 grid: many exact ties, which the order rules must break
  // alike (ascending id).
  torch::Tensor logits = (torch::randn({B, V}, gen) * 24).round() / 8;
  logits[3].fill_(0.5);                 // one row all tied
  logits[4].narrow(0, 10, 5).fill_(9);  // a tie at the top
  const std::vector<Case> cases = {
      {0, 0, 1, 0},   {1, 0, 1, 0},     {0.7, 0, 1, 0},     {1.3, 5, 1, 0},
      {1, 0, 0.9, 0}, {0.8, 0, 1, 0.1}, {1, 40, 0.8, 0.05}, {0.6, 0, 0.5, 0.2},
      {1, 1, 1, 0},   {1, 0, 1e-9, 0},  {1, 400, 1, 0},     {2.5, 7, 0.95, 0},
  };
  for (const Case& cs : cases) {
    const SamplingParams p = ParamsOf(cs);
    SCOPED_TRACE("T " + std::to_string(cs.temperature) + " top_k " + std::to_string(cs.top_k) +
                 " top_p " + std::to_string(cs.top_p) + " min_p " + std::to_string(cs.min_p));
    auto chain = SamplerChain::FromParams(p);
    auto dev = DeviceSampler::FromParams(p);
    ASSERT_TRUE(chain.ok() && dev.ok());
    for (int round = 0; round < 6; ++round) {
      torch::Tensor u = torch::empty({B}, torch::kFloat64);
      for (int64_t b = 0; b < B; ++b) {
        u[b] = round == 0 ? 0.0 : round == 1 ? 1.0 - 1e-16 : SeededUniform(9, b, round, 0);
      }
      DeviceSamples got = dev->Sample(logits, u);
      ASSERT_EQ(got.tokens.sizes(), (std::vector<int64_t>{B}));
      ASSERT_EQ(got.tokens.scalar_type(), torch::kInt64);
      ASSERT_EQ(got.logprobs.scalar_type(), torch::kFloat32);
      Candidates scratch;
      for (int64_t b = 0; b < B; ++b) {
        torch::Tensor row = logits[b].contiguous();
        SampledToken want = chain->Sample(row.data_ptr<float>(), V, u[b].item<double>(), &scratch);
        EXPECT_EQ(got.tokens[b].item<int64_t>(), want.token) << "row " << b << " round " << round;
        EXPECT_NEAR(got.logprobs[b].item<float>(), want.logprob, 1e-6)
            << "row " << b << " round " << round;
      }
    }
  }
}

TEST(DeviceSamplerTest, RejectsBadParams) {
  SamplingParams p;
  p.top_p = 0;
  auto s = DeviceSampler::FromParams(p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("top_p"), std::string::npos);
}

// The engine with device sampling (and the static step) gives the plain
// engine's completions: same tokens, same EOS stops, same log-probs.
TEST(DeviceSamplerTest, EngineSamplingOnDeviceEqualsHostSampling) {
  auto model = TinyPolicyModel("qwen2", torch::kCPU, /*tie_word_embeddings=*/true, /*seed=*/4);
  const std::vector<std::vector<int32_t>> prompts = {{1, 2, 3}, {7}, {9, 8, 7, 6, 5, 4}};
  SamplingParams p;
  p.n = 5;
  p.temperature = 0.9;
  p.top_k = 20;
  p.min_p = 0.02;
  p.max_new_tokens = 30;
  p.seed = 3;
  RolloutEngineOptions o;
  o.max_batch = 6;
  o.eos_token_ids = {0, 1};  // so sequences end at different steps
  RolloutEngine host(model, o);
  o.device_sampling = "on";
  o.cuda_graphs = "on";
  RolloutEngine device(model, o);
  auto a = host.Generate(prompts, p);
  auto b = device.Generate(prompts, p);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(a->size(), b->size());
  int stopped = 0;
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].token_ids, (*b)[i].token_ids) << "completion " << i;
    EXPECT_EQ((*a)[i].finish_reason, (*b)[i].finish_reason);
    stopped += (*a)[i].finish_reason == "stop";
    ASSERT_EQ((*a)[i].logprobs.size(), (*b)[i].logprobs.size());
    for (size_t t = 0; t < (*a)[i].logprobs.size(); ++t)
      EXPECT_NEAR((*a)[i].logprobs[t], (*b)[i].logprobs[t], 1e-5);
  }
  EXPECT_GT(stopped, 0);
  EXPECT_GT(device.last_stats().static_eager_steps, 0);
}

// GPU only: the same picks from logits on CUDA. The device's sums are
// parallel, so a pick may differ only where u is within ~1e-16 of a
// boundary: none of these.
TEST(DeviceSamplerTest, PicksWhatTheHostChainPicksOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "needs a CUDA device";
  const int64_t B = 16, V = 5000;
  auto gen = at::detail::createCPUGenerator(8);
  torch::Tensor logits = torch::randn({B, V}, gen) * 3;
  for (const Case& cs : std::vector<Case>{{0, 0, 1, 0}, {1, 0, 1, 0}, {0.7, 50, 0.9, 0.01}}) {
    const SamplingParams p = ParamsOf(cs);
    auto chain = SamplerChain::FromParams(p);
    auto dev = DeviceSampler::FromParams(p);
    ASSERT_TRUE(chain.ok() && dev.ok());
    torch::Tensor u = torch::empty({B}, torch::kFloat64);
    for (int64_t b = 0; b < B; ++b) u[b] = SeededUniform(1, b, 0, 0);
    DeviceSamples got = dev->Sample(logits.to(torch::kCUDA), u.to(torch::kCUDA));
    torch::Tensor tokens = got.tokens.cpu(), logprobs = got.logprobs.cpu();
    Candidates scratch;
    for (int64_t b = 0; b < B; ++b) {
      torch::Tensor row = logits[b].contiguous();
      SampledToken want = chain->Sample(row.data_ptr<float>(), V, u[b].item<double>(), &scratch);
      EXPECT_EQ(tokens[b].item<int64_t>(), want.token) << "row " << b;
      EXPECT_NEAR(logprobs[b].item<float>(), want.logprob, 1e-5) << "row " << b;
    }
  }
}

TEST(DeviceSamplerTest, EngineRejectsAnUnknownMode) {
  RolloutEngineOptions o;
  o.device_sampling = "gpu";
  Status s = o.Validate();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("device_sampling 'gpu'"), std::string::npos);
}

}  // namespace
}  // namespace rlzero
