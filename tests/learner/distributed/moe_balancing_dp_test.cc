// tests/learner/distributed/moe_balancing_dp_test.cc: data-parallel learners
// sum the expert loads over ranks before DeepSeek-V3's auxiliary-loss-free
// bias update. Two ranks (two threads of this process, each with its own
// TCPStore client and ProcessGroupGloo over loopback) train a tiny float64
// MoE policy on their shards of one global batch; a single-process learner
// trains on the whole batch. Both ranks must end with the same bias, equal to
// the single process's; a learner that sees only one shard gets another bias
// (so the test would catch a missing reduction).
#include <gtest/gtest.h>

#include <thread>

#include "learner/distributed/data_parallel_group.h"
#include "learner/learner.h"
#include "tests/learner/distributed/two_gloo_ranks.h"
#include "tests/learner/tiny_moe_policy.h"

namespace rlzero {
namespace {

constexpr int kUpdates = 3;

// 8 samples of 16 tokens; the first four (rank 0's shard) use tokens 0-7, the
// last four (rank 1's) tokens 8-15, so the two shards route differently.
std::vector<TrainSample> GlobalBatch(int step) {
  std::vector<TrainSample> s(8);
  for (int i = 0; i < 8; ++i) {
    const int base = i < 4 ? 0 : 8;
    for (int t = 0; t < 4; ++t) s[i].prompt_ids.push_back(base + (step + i + 3 * t) % 8);
    for (int t = 0; t < 12; ++t) {
      s[i].completion_ids.push_back(base + (step * 5 + i * t + t) % 8);
      s[i].behaviour_logprobs.push_back(-2.7f);
    }
    s[i].advantage = (i % 2 == 0) ? 1.0 : -1.0;
  }
  return s;
}

struct Result {
  torch::Tensor bias;                 // the MoE layer's bias after kUpdates
  std::map<std::string, double> moe;  // the last update's load metrics
};

// Trains kUpdates on `batch(step)` with an optional group.
Result Train(DataParallelGroup* group, const std::function<std::vector<TrainSample>(int)>& batch) {
  auto model = testing::TinyMoePolicy(/*seed=*/3, /*skew=*/0.0);
  model->to(torch::kFloat64);
  GrpoConfig g;
  g.max_response_len = 12;
  MoeBalanceConfig moe;
  moe.bias_update_speed = 0.01;
  auto learner = Learner::Create(model, nullptr, g, OptimConfig(), 12, moe, group);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  Result r;
  if (!learner.ok()) return r;
  for (int step = 0; step < kUpdates; ++step) {
    auto samples = batch(step);
    auto kl = (*learner)->ComputeOldLogProbs(&samples);
    EXPECT_TRUE(kl.ok()) << kl.status().ToString();
    auto m = (*learner)->Update(samples, step);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (m.ok()) r.moe = m->moe;
  }
  r.bias = model->MoeLayers()[0]->gate->e_score_correction_bias.detach().clone();
  return r;
}

TEST(MoeBalancingDataParallelTest, RanksSumLoadsAndMatchOneProcessOnTheGlobalBatch) {
  const Result one = Train(nullptr, GlobalBatch);
  ASSERT_TRUE(one.bias.defined());
  EXPECT_GT(one.bias.abs().sum().item<double>(), 0.0);

  Result ranks[2];
  testing::RunTwoGlooRanks(
      [&](int rank, DataParallelGroup& group) { ranks[rank] = Train(&group, GlobalBatch); });
  ASSERT_TRUE(ranks[0].bias.defined() && ranks[1].bias.defined());
  EXPECT_TRUE(torch::equal(ranks[0].bias, ranks[1].bias)) << ranks[0].bias << ranks[1].bias;
  EXPECT_TRUE(torch::equal(ranks[0].bias, one.bias)) << ranks[0].bias << one.bias;
  for (const char* key : {"moe/load_max_over_mean", "moe/load_cv"}) {
    EXPECT_DOUBLE_EQ(ranks[0].moe.at(key), one.moe.at(key)) << key;
    EXPECT_DOUBLE_EQ(ranks[1].moe.at(key), one.moe.at(key)) << key;
  }

  // Rank 0's shard alone (what an unreduced rank would update from) gives
  // another bias: the shards' loads differ from the global batch's.
  const Result shard = Train(nullptr, [](int step) {
    auto s = GlobalBatch(step);
    s.resize(4);
    return s;
  });
  EXPECT_FALSE(torch::equal(shard.bias, one.bias)) << shard.bias;
}

}  // namespace
}  // namespace rlzero
