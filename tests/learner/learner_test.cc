// tests/learner/learner_test.cc: the Learner on a tiny model: exact gradient
// accumulation over micro-batches, zero update from all-equal groups, exact
// optimiser-state round trip, config validation.
#include "learner/learner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "tests/learner/tiny_causal_lm.h"

namespace rlzero {
namespace {

using testing::TinyCausalLM;

std::vector<TrainSample> Samples() {
  std::vector<TrainSample> s(4);
  s[0].prompt_ids = {1, 2, 3};
  s[0].completion_ids = {4, 5, 6, 7};
  s[1].prompt_ids = {1, 2};
  s[1].completion_ids = {3};
  s[2].prompt_ids = {5};
  s[2].completion_ids = {6, 6, 2, 1, 1, 3};
  s[3].prompt_ids = {2, 2, 2};
  s[3].completion_ids = {7, 0};
  const double adv[] = {1.0, -0.5, 0.8, -1.3};
  for (int i = 0; i < 4; ++i) {
    s[i].advantage = adv[i];
    for (size_t j = 0; j < s[i].completion_ids.size(); ++j) {
      s[i].behaviour_logprobs.push_back(-2.0f - 0.1f * static_cast<float>(j));
    }
  }
  return s;
}

GrpoConfig Grpo() {
  GrpoConfig g;
  g.objective.loss_aggregation = "seq-mean-token-mean";
  g.objective.tis_cap = 2.0;
  g.max_response_len = 8;
  return g;
}

OptimConfig Optim() {
  OptimConfig o;
  o.lr = 1e-2;
  o.schedule.lr = 1e-2;
  o.grad_clip = 0.0;
  return o;
}

std::vector<torch::Tensor> Snapshot(CausalLM& m) {
  std::vector<torch::Tensor> out;
  for (auto& p : m.parameters()) out.push_back(p.detach().clone());
  return out;
}

double MaxDiff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, (a[i] - b[i]).abs().max().item<double>());
  return d;
}

std::vector<torch::Tensor> TrainOnce(GrpoConfig g, int steps) {
  auto model = std::make_shared<TinyCausalLM>(8, 16, 16, 7);
  auto learner = Learner::Create(model, nullptr, g, Optim(), 8);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  for (int step = 0; step < steps; ++step) {
    auto samples = Samples();
    EXPECT_TRUE((*learner)->ComputeOldLogProbs(&samples).ok());
    auto m = (*learner)->Update(samples, step);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
  }
  return Snapshot(*model);
}

TEST(LearnerTest, MicroBatchAccumulationMatchesOneBatch) {
  for (const std::string& agg : LossAggregationNames()) {
    GrpoConfig g = Grpo();
    g.objective.loss_aggregation = agg;
    auto whole = TrainOnce(g, 2);
    g.micro_batch_tokens = 8;  // several micro-batches
    auto split = TrainOnce(g, 2);
    EXPECT_LT(MaxDiff(whole, split), 1e-5) << agg;
    EXPECT_GT(MaxDiff(whole, Snapshot(*std::make_shared<TinyCausalLM>(8, 16, 16, 7))), 1e-4);
  }
}

TEST(LearnerTest, AllZeroAdvantagesLeaveWeightsUnchanged) {
  auto model = std::make_shared<TinyCausalLM>(8, 16, 16, 7);
  auto before = Snapshot(*model);
  auto learner = Learner::Create(model, nullptr, Grpo(), Optim(), 8);
  ASSERT_TRUE(learner.ok());
  auto samples = Samples();
  for (auto& s : samples) s.advantage = 0.0;
  ASSERT_TRUE((*learner)->ComputeOldLogProbs(&samples).ok());
  auto m = (*learner)->Update(samples, 0);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->grad_norm, 0.0);
  EXPECT_EQ(MaxDiff(before, Snapshot(*model)), 0.0);
}

TEST(LearnerTest, MetricsOnFirstPassAreConsistent) {
  auto model = std::make_shared<TinyCausalLM>(8, 16, 16, 7);
  auto learner = Learner::Create(model, nullptr, Grpo(), Optim(), 8);
  ASSERT_TRUE(learner.ok());
  auto samples = Samples();
  auto mismatch = (*learner)->ComputeOldLogProbs(&samples);
  ASSERT_TRUE(mismatch.ok());
  EXPECT_GT(*mismatch, 0.0);  // behaviour log-probs were made up
  auto m = (*learner)->Update(samples, 0);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->tokens, 13);
  EXPECT_EQ(m->clip_frac, 0.0);  // one pass from pi_old: ratio 1
  EXPECT_GT(m->entropy, 0.0);
  EXPECT_LE(m->entropy, std::log(8.0) + 1e-6);
  EXPECT_GT(m->grad_norm, 0.0);
  EXPECT_EQ(m->optimizer_steps, 1);
}

TEST(LearnerTest, MaskedSamplesAndSecondEpochClip) {
  GrpoConfig g = Grpo();
  g.epochs = 3;
  g.mini_batches = 2;
  auto model = std::make_shared<TinyCausalLM>(8, 16, 16, 7);
  OptimConfig o = Optim();
  o.lr = 0.2;
  o.schedule.lr = 0.2;
  auto learner = Learner::Create(model, nullptr, g, o, 8);
  ASSERT_TRUE(learner.ok());
  auto samples = Samples();
  samples[2].loss_masked = true;
  ASSERT_TRUE((*learner)->ComputeOldLogProbs(&samples).ok());
  auto m = (*learner)->Update(samples, 0);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->tokens, 13 - 6);
  EXPECT_EQ(m->optimizer_steps, 6);
  EXPECT_GT(m->clip_frac, 0.0);  // large steps move ratios out of range
}

TEST(LearnerTest, OptimizerStateRoundTripIsExact) {
  char path[] = "/tmp/rlz_learner_opt_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  auto run = [&](bool save_midway, bool load_midway) {
    auto model = std::make_shared<TinyCausalLM>(8, 16, 16, 7);
    auto learner = Learner::Create(model, nullptr, Grpo(), Optim(), 8);
    EXPECT_TRUE(learner.ok());
    for (int step = 0; step < 3; ++step) {
      if (step == 2 && load_midway) {
        // A fresh learner on a copy of the weights, restored from the file.
        auto fresh = std::make_shared<TinyCausalLM>(8, 16, 16, 99);
        torch::NoGradGuard ng;
        auto src = model->parameters();
        auto dst = fresh->parameters();
        for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
        model = fresh;
        learner = Learner::Create(model, nullptr, Grpo(), Optim(), 8);
        EXPECT_TRUE((*learner)->LoadState(path).ok());
      }
      auto samples = Samples();
      EXPECT_TRUE((*learner)->ComputeOldLogProbs(&samples).ok());
      EXPECT_TRUE((*learner)->Update(samples, step).ok());
      if (step == 1 && save_midway) EXPECT_TRUE((*learner)->SaveState(path).ok());
    }
    return Snapshot(*model);
  };
  auto a = run(true, false);
  auto b = run(false, true);
  std::remove(path);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << i;
}

// optim.grad_clip: the reported grad_norm is the norm before clipping (the
// same with and without a cap), and the gradient the optimiser stepped with
// has norm <= the cap; without a cap it is left as it was.
TEST(LearnerTest, GradClipScalesTheGradientToTheCap) {
  auto grad_norm_after = [](CausalLM& m) {
    double sq = 0;
    for (auto& p : m.parameters())
      if (p.grad().defined()) sq += p.grad().pow(2).sum().item<double>();
    return std::sqrt(sq);
  };
  double unclipped = 0;
  for (double clip : {0.0, 1e-3}) {
    auto model = std::make_shared<TinyCausalLM>(8, 16, 16, 7);
    OptimConfig o = Optim();
    o.grad_clip = clip;
    auto learner = Learner::Create(model, nullptr, Grpo(), o, 8);
    ASSERT_TRUE(learner.ok()) << learner.status().ToString();
    auto samples = Samples();
    ASSERT_TRUE((*learner)->ComputeOldLogProbs(&samples).ok());
    auto m = (*learner)->Update(samples, 0);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    const double after = grad_norm_after(*model);
    if (clip == 0.0) {
      unclipped = m->grad_norm;
      ASSERT_GT(unclipped, 1e-2);  // so the cap below really clips
      EXPECT_NEAR(after, unclipped, 1e-6 * unclipped);
    } else {
      EXPECT_NEAR(m->grad_norm, unclipped, 1e-9 * unclipped);
      EXPECT_LE(after, clip * (1 + 1e-4));
      EXPECT_GT(after, clip * 0.99);
    }
  }
}

// grpo.old_logprobs: with "learner" pi_old is the learner's own log-probs and
// truncated IS caps exp(pi_old - behaviour); with "behaviour" pi_old is the
// rollout's recorded log-prob, so the IS weight is 1 and nothing is
// truncated. The mismatch KL is reported the same way in both.
TEST(LearnerTest, OldLogProbsFromBehaviourNeedNoTruncation) {
  double mismatch[2] = {0, 0};
  for (const std::string source : {"learner", "behaviour"}) {
    auto model = std::make_shared<TinyCausalLM>(8, 16, 16, 7);
    GrpoConfig g = Grpo();
    g.old_logprobs = source;
    auto learner = Learner::Create(model, nullptr, g, Optim(), 8);
    ASSERT_TRUE(learner.ok()) << learner.status().ToString();
    auto samples = Samples();
    // A behaviour policy far less sure than the learner: exp(old - behaviour)
    // is well above the cap of 2.
    for (auto& s : samples)
      for (auto& lp : s.behaviour_logprobs) lp = -9.0f;
    samples[1].loss_masked = true;
    auto kl = (*learner)->ComputeOldLogProbs(&samples);
    ASSERT_TRUE(kl.ok()) << kl.status().ToString();
    mismatch[source == "behaviour"] = *kl;
    for (const auto& s : samples)
      EXPECT_EQ(s.old_logprobs == s.behaviour_logprobs, source == "behaviour") << source;
    auto m = (*learner)->Update(samples, 0);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    if (source == "learner") {
      EXPECT_GT(m->tis_truncated_frac, 0.5);
    } else {
      EXPECT_EQ(m->tis_truncated_frac, 0.0);
    }
  }
  EXPECT_GT(mismatch[0], 1.0);
  EXPECT_DOUBLE_EQ(mismatch[0], mismatch[1]);
}

TEST(LearnerTest, BetaNeedsReferenceAndCollateChecksLengths) {
  GrpoConfig g = Grpo();
  g.objective.beta = 0.1;
  auto model = std::make_shared<TinyCausalLM>(8, 16, 16, 7);
  EXPECT_FALSE(Learner::Create(model, nullptr, g, Optim(), 8).ok());
  auto samples = Samples();
  samples[1].behaviour_logprobs.push_back(0.f);
  auto c = CollateSamples(samples, {0, 1}, torch::kCPU);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("sample 1"), std::string::npos);
}

TEST(LearnerConfigTest, UnknownAndInvalidKeysAreReported) {
  Json root = Json::parse(R"({"grpo": {"clip_hi": 0.3, "advantage": "grpo"},
                               "optim": {"lr": 1e-5, "betas": [0.9]}})");
  ConfigReader r(root, "test.yaml");
  ConfigReader gs = r.Section("grpo");
  ConfigReader os = r.Section("optim");
  ASSERT_TRUE(GrpoConfig::FromConfig(gs).ok());
  ASSERT_TRUE(OptimConfig::FromConfig(os).ok());
  Status s = r.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("grpo.clip_hi"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("optim.betas"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace rlzero
