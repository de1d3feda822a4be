// tests/learner/grpo_objective_test.cc: aggregation modes, truncated IS, KL
// and entropy terms of the composed objective against hand computation.
#include "learner/grpo_objective.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rlzero {
namespace {

torch::Tensor PerToken() { return torch::tensor({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}).view({2, 3}); }
torch::Tensor Mask() { return torch::tensor({1.f, 1.f, 0.f, 1.f, 0.f, 0.f}).view({2, 3}); }

double Agg(const std::string& name, const torch::Tensor& l, const torch::Tensor& m,
           const AggregationScale& s) {
  auto a = MakeLossAggregation(name);
  EXPECT_TRUE(a.ok());
  return (*a)->Aggregate(l, m, s).item<double>();
}

TEST(LossAggregationTest, ModesMatchHandValues) {
  AggregationScale s = ScaleFromMasks({Mask()}, 4.0);
  EXPECT_EQ(s.total_tokens, 3.0);
  EXPECT_EQ(s.total_seqs, 2.0);
  EXPECT_NEAR(Agg("token-mean", PerToken(), Mask(), s), 7.0 / 3.0, 1e-6);
  EXPECT_NEAR(Agg("seq-mean-token-mean", PerToken(), Mask(), s), (1.5 + 4.0) / 2.0, 1e-6);
  EXPECT_NEAR(Agg("seq-mean-token-sum-norm", PerToken(), Mask(), s), (3.0 + 4.0) / 8.0, 1e-6);
}

TEST(LossAggregationTest, MicroBatchSharesSumToMiniBatchLoss) {
  auto l = PerToken(), m = Mask();
  AggregationScale s = ScaleFromMasks({m.slice(0, 0, 1), m.slice(0, 1, 2)}, 4.0);
  for (const std::string& name : LossAggregationNames()) {
    double whole = Agg(name, l, m, s);
    double parts = Agg(name, l.slice(0, 0, 1), m.slice(0, 0, 1), s) +
                   Agg(name, l.slice(0, 1, 2), m.slice(0, 1, 2), s);
    EXPECT_NEAR(whole, parts, 1e-6) << name;
  }
}

// Gradient of the aggregated loss w.r.t. each per-token entry.
torch::Tensor AggGrad(const std::string& name, const torch::Tensor& m, double max_len) {
  auto l = torch::ones(m.sizes()).requires_grad_(true);
  auto a = MakeLossAggregation(name);
  (*a)->Aggregate(l, m, ScaleFromMasks({m}, max_len)).backward();
  return l.grad();
}

TEST(LossAggregationTest, DrGrpoHasNoPerSequenceLengthNormalisation) {
  // Sequences of length 1 and 4: under seq-mean-token-sum-norm every counted
  // token weighs 1 / (max_len * seqs) whatever its sequence's length; under
  // seq-mean-token-mean the short sequence's token weighs 4x more.
  auto m = torch::tensor({1.f, 0.f, 0.f, 0.f, 1.f, 1.f, 1.f, 1.f}).view({2, 4});
  auto g = AggGrad("seq-mean-token-sum-norm", m, 8.0);
  EXPECT_NEAR(g[0][0].item<double>(), 1.0 / 16.0, 1e-7);
  EXPECT_NEAR(g[1][3].item<double>(), 1.0 / 16.0, 1e-7);
  EXPECT_EQ(g[0][1].item<double>(), 0.0);
  auto g2 = AggGrad("seq-mean-token-mean", m, 8.0);
  EXPECT_NEAR(g2[0][0].item<double>(), 0.5, 1e-7);
  EXPECT_NEAR(g2[1][0].item<double>(), 0.125, 1e-7);
  auto g3 = AggGrad("token-mean", m, 8.0);
  EXPECT_NEAR(g3[0][0].item<double>(), 0.2, 1e-7);
  EXPECT_NEAR(g3[1][2].item<double>(), 0.2, 1e-7);
  // Extra padding (a longer T with masked-out tokens) changes nothing.
  auto padded = torch::cat({m, torch::zeros({2, 3})}, 1);
  auto l = torch::rand({2, 7});
  auto a = MakeLossAggregation("seq-mean-token-sum-norm");
  EXPECT_NEAR((*a)->Aggregate(l, padded, ScaleFromMasks({padded}, 8.0)).item<double>(),
              (*a)->Aggregate(l.slice(1, 0, 4), m, ScaleFromMasks({m}, 8.0)).item<double>(), 1e-6);
}

ObjectiveInputs Inputs(torch::Tensor logp) {
  ObjectiveInputs in;
  in.logprobs = logp;
  in.old_logprobs = torch::zeros({1, 2});
  in.behaviour_logprobs = torch::zeros({1, 2});
  in.advantages = torch::tensor({1.0f});
  in.mask = torch::ones({1, 2});
  return in;
}

TEST(GrpoObjectiveTest, TruncatedImportanceWeightIsCappedAndDetached) {
  ObjectiveOptions o;
  o.tis_cap = 2.0;
  auto obj = GrpoObjective::Create(o);
  ASSERT_TRUE(obj.ok());
  auto logp = torch::zeros({1, 2}).requires_grad_(true);
  ObjectiveInputs in = Inputs(logp);
  // Token 0: old/behaviour = 3 -> weight capped at 2; token 1: 1.5 -> 1.5.
  in.behaviour_logprobs = torch::tensor({-std::log(3.0f), -std::log(1.5f)}).view({1, 2});
  auto out = (*obj)->Compute(in, ScaleFromMasks({in.mask}, 2.0));
  // token-mean of -A r w with r = 1: -(2 + 1.5) / 2.
  EXPECT_NEAR(out.loss.item<double>(), -1.75, 1e-6);
  EXPECT_EQ(out.sums.tis_truncated, 1.0);
  out.loss.backward();
  EXPECT_NEAR(logp.grad()[0][0].item<double>(), -1.0, 1e-6);
  EXPECT_NEAR(logp.grad()[0][1].item<double>(), -0.75, 1e-6);
}

TEST(GrpoObjectiveTest, KlAndEntropyTermsAddWithTheirCoefficients) {
  ObjectiveOptions o;
  o.tis_cap = 0.0;
  o.beta = 0.1;
  o.kl_estimator = "k1";
  o.entropy_coef = 0.01;
  auto obj = GrpoObjective::Create(o);
  ASSERT_TRUE(obj.ok());
  auto logp = torch::zeros({1, 2}).requires_grad_(true);
  ObjectiveInputs in = Inputs(logp);
  in.ref_logprobs = torch::tensor({-1.0f, 0.0f}).view({1, 2});
  in.entropy = torch::tensor({2.0f, 4.0f}).view({1, 2});
  auto out = (*obj)->Compute(in, ScaleFromMasks({in.mask}, 2.0));
  // per token: -1 + 0.1 * (0 - ref) - 0.01 * H = {-1 + .1 - .02, -1 - .04}.
  EXPECT_NEAR(out.loss.item<double>(), ((-0.92) + (-1.04)) / 2.0, 1e-6);
  EXPECT_NEAR(out.sums.kl, 1.0, 1e-6);
  EXPECT_NEAR(out.sums.entropy, 6.0, 1e-6);
  out.loss.backward();
  // d/dlogp: (-A r + beta) / 2 = (-1 + 0.1) / 2.
  EXPECT_NEAR(logp.grad()[0][0].item<double>(), -0.45, 1e-6);
}

TEST(GrpoObjectiveTest, ZeroAdvantageGivesZeroGradient) {
  for (const std::string& agg : LossAggregationNames()) {
    ObjectiveOptions o;
    o.loss_aggregation = agg;
    auto obj = GrpoObjective::Create(o);
    ASSERT_TRUE(obj.ok());
    auto logp = torch::tensor({-0.3f, 0.2f}).view({1, 2}).requires_grad_(true);
    ObjectiveInputs in = Inputs(logp);
    in.advantages = torch::zeros({1});
    auto out = (*obj)->Compute(in, ScaleFromMasks({in.mask}, 4.0));
    out.loss.backward();
    EXPECT_EQ(logp.grad().abs().max().item<float>(), 0.0f) << agg;
  }
}

TEST(GrpoObjectiveTest, RejectsUnknownParts) {
  ObjectiveOptions o;
  o.loss_aggregation = "sum";
  auto obj = GrpoObjective::Create(o);
  ASSERT_FALSE(obj.ok());
  EXPECT_NE(obj.status().message().find("token-mean"), std::string::npos);
}

}  // namespace
}  // namespace rlzero
