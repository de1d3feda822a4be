// tests/learner/moe_balancing_test.cc: the learner's auxiliary-loss-free
// balancing on a tiny deepseek_v3 MoE policy: load moves toward uniform over
// GRPO updates, load metrics are reported, speed 0 leaves the bias alone,
// pad tokens of a right-padded micro-batch are not counted, and a dense
// policy reports no MoE metrics.
#include <gtest/gtest.h>

#include "learner/learner.h"
#include "policy/deepseek/deepseek_v3.h"
#include "tests/learner/tiny_causal_lm.h"
#include "tests/learner/tiny_moe_policy.h"

namespace rlzero {
namespace {

// 8 samples of 16 tokens, no padding: 128 tokens, 256 expert choices per layer.
std::vector<TrainSample> Samples(int seed) {
  std::vector<TrainSample> s(8);
  for (int i = 0; i < 8; ++i) {
    for (int t = 0; t < 4; ++t) s[i].prompt_ids.push_back((seed + 3 * i + 5 * t) % 16);
    for (int t = 0; t < 12; ++t) {
      s[i].completion_ids.push_back((seed * 7 + i * t + t) % 16);
      s[i].behaviour_logprobs.push_back(-2.7f);
    }
    s[i].advantage = (i % 2 == 0) ? 1.0 : -1.0;
  }
  return s;
}

struct TrainRun {
  std::vector<std::map<std::string, double>> moe;  // per update
  torch::Tensor bias;                              // layer 1's final bias
};

TrainRun Train(double speed, int updates) {
  auto model = testing::TinyMoePolicy(/*seed=*/3, /*skew=*/0.15);
  GrpoConfig g;
  g.max_response_len = 12;
  OptimConfig o;
  o.lr = 1e-5;
  o.schedule.lr = 1e-5;
  MoeBalanceConfig moe;
  moe.bias_update_speed = speed;
  auto learner = Learner::Create(model, nullptr, g, o, 12, moe);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  TrainRun run;
  for (int step = 0; step < updates; ++step) {
    auto samples = Samples(step);
    EXPECT_TRUE((*learner)->ComputeOldLogProbs(&samples).ok());
    auto m = (*learner)->Update(samples, step);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (m.ok()) run.moe.push_back(m->moe);
  }
  run.bias = model->MoeLayers()[0]->gate->e_score_correction_bias.detach().clone();
  return run;
}

// Router scores are sigmoid(~N(0, 0.08)) = 0.5 +- 0.02, so a 0.15 bias on two
// experts sends every token to them; at 0.005 per update the gap closes in
// ~15 updates and the rest balances the scores.
TEST(MoeBalancingTest, LearnerMovesExpertLoadTowardUniform) {
  TrainRun r = Train(/*speed=*/0.005, /*updates=*/50);
  ASSERT_EQ(r.moe.size(), 50u);
  auto mean_of_last = [&](const char* key) {
    double s = 0;
    for (size_t i = r.moe.size() - 5; i < r.moe.size(); ++i) s += r.moe[i].at(key);
    return s / 5;
  };
  const double before = r.moe.front().at("moe/load_max_over_mean");
  const double after = mean_of_last("moe/load_max_over_mean");
  EXPECT_GT(before, 3.0);  // 2 of 8 experts take nearly every token: 4 = all
  EXPECT_LT(after, 2.0);
  EXPECT_LT(mean_of_last("moe/load_cv"), 0.5 * r.moe.front().at("moe/load_cv"));
  EXPECT_GE(r.moe.back().at("moe/load_max_over_mean_worst"),
            r.moe.back().at("moe/load_max_over_mean"));
  // The skewed experts' bias came down, the others went up.
  EXPECT_LT(r.bias[0].item<double>(), 0.15);
  EXPECT_GT(r.bias[5].item<double>(), 0.0);
}

TEST(MoeBalancingTest, SpeedZeroLogsLoadButKeepsTheBias) {
  TrainRun r = Train(/*speed=*/0.0, /*updates=*/3);
  ASSERT_EQ(r.moe.size(), 3u);
  EXPECT_GT(r.moe.back().at("moe/load_max_over_mean"), 3.0);
  EXPECT_EQ(r.bias[0].item<double>(), static_cast<float>(0.15));
  EXPECT_EQ(r.bias[5].item<double>(), 0.0);
}

// Samples of 6 to 16 tokens (85 real tokens): trained as one right-padded
// micro-batch of 8 x 16, or in micro-batches of at most 16 padded tokens
// (little padding), the same optimiser step sees the same real tokens, so the
// load metrics and the bias must be the same. Counting the padding (43 of the
// 128 positions in the first case) would change both.
TEST(MoeBalancingTest, PaddingOfMicroBatchesIsNotCounted) {
  auto run = [](int64_t micro_batch_tokens) {
    auto model = testing::TinyMoePolicy(/*seed=*/5, /*skew=*/0.0);
    model->to(torch::kFloat64);  // so the two batchings route identically
    GrpoConfig g;
    g.max_response_len = 12;
    g.micro_batch_tokens = micro_batch_tokens;
    MoeBalanceConfig moe;
    moe.bias_update_speed = 0.01;
    auto learner = Learner::Create(model, nullptr, g, OptimConfig(), 12, moe);
    EXPECT_TRUE(learner.ok()) << learner.status().ToString();
    auto samples = Samples(1);
    for (size_t i = 0; i < samples.size(); ++i) {  // completions of 2..12 tokens
      const size_t keep = 2 + (i * 10) / 7;
      samples[i].completion_ids.resize(keep);
      samples[i].behaviour_logprobs.resize(keep);
    }
    EXPECT_TRUE((*learner)->ComputeOldLogProbs(&samples).ok());
    auto m = (*learner)->Update(samples, 0);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return std::make_pair(m.ok() ? m->moe : std::map<std::string, double>{},
                          model->MoeLayers()[0]->gate->e_score_correction_bias.clone());
  };
  auto [padded, padded_bias] = run(/*micro_batch_tokens=*/0);  // one micro-batch of 8 x 16
  auto [alone, alone_bias] = run(/*micro_batch_tokens=*/16);   // <= 16 padded tokens each
  ASSERT_FALSE(padded.empty());
  for (const char* key : {"moe/load_max_over_mean", "moe/load_cv"})
    EXPECT_DOUBLE_EQ(padded.at(key), alone.at(key)) << key;
  EXPECT_TRUE(torch::equal(padded_bias, alone_bias)) << padded_bias << alone_bias;
  EXPECT_GT(padded_bias.abs().sum().item<double>(), 0.0);  // the step moved it
}

TEST(MoeBalancingTest, DensePolicyReportsNoMoeMetrics) {
  auto model = std::make_shared<testing::TinyCausalLM>(8, 16, 16, 7);
  GrpoConfig g;
  g.max_response_len = 12;
  auto learner = Learner::Create(model, nullptr, g, OptimConfig(), 12);
  ASSERT_TRUE(learner.ok());
  auto samples = Samples(0);
  for (auto& s : samples) {
    for (auto& id : s.prompt_ids) id %= 8;
    for (auto& id : s.completion_ids) id %= 8;
  }
  ASSERT_TRUE((*learner)->ComputeOldLogProbs(&samples).ok());
  auto m = (*learner)->Update(samples, 0);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->moe.empty());
  MoeBalanceConfig bad;
  bad.bias_update_speed = -1;
  EXPECT_FALSE(Learner::Create(model, nullptr, g, OptimConfig(), 12, bad).ok());
}

}  // namespace
}  // namespace rlzero
