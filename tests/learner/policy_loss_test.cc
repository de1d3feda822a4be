// tests/learner/policy_loss_test.cc: PPO-clip (clip-higher, dual-clip), KL
// estimators and token log-probs against hand-computed values and gradients.
#include "learner/policy_loss.h"

#include <gtest/gtest.h>

#include <cmath>

#include "learner/kl_estimator.h"
#include "learner/token_logprobs.h"

namespace rlzero {
namespace {

torch::Tensor T(std::vector<float> v) { return torch::tensor(v).unsqueeze(0); }  // [1, n]

struct Case {
  torch::Tensor logp, old, adv;
};

// Four tokens: (log-ratio, A) = (+0.5, +1), (-0.5, -1), (+0.1, +2), (+0.5, -1).
Case FourTokens() {
  Case c;
  c.logp = T({0.5f, -0.5f, 0.1f, 0.5f}).requires_grad_(true);
  c.old = T({0, 0, 0, 0});
  c.adv = T({1, -1, 2, -1});
  return c;
}

TEST(PpoClipLossTest, ValuesAndGradientsMatchHandComputation) {
  PolicyLossOptions o;
  o.clip_low = 0.2;
  o.clip_high = 0.28;
  auto loss = MakePolicyLoss("ppo_clip", o);
  ASSERT_TRUE(loss.ok());
  Case c = FourTokens();
  PolicyLossOutput out = (*loss)->Compute(c.logp, c.old, c.adv);
  const double e5 = std::exp(0.5), em5 = std::exp(-0.5), e1 = std::exp(0.1);
  auto l = out.per_token_loss.squeeze(0);
  // 1: r = e^.5 > 1.28 with A > 0 -> clipped at -1.28.
  EXPECT_NEAR(l[0].item<double>(), -1.28, 1e-6);
  // 2: r = e^-.5 < 0.8 with A < 0 -> clipped at 0.8.
  EXPECT_NEAR(l[1].item<double>(), 0.8, 1e-6);
  // 3: inside the range: -A r.
  EXPECT_NEAR(l[2].item<double>(), -2 * e1, 1e-6);
  // 4: r > 1.28 but A < 0: the unclipped (pessimistic) branch wins: -A r.
  EXPECT_NEAR(l[3].item<double>(), e5, 1e-6);
  EXPECT_EQ(out.clipped_high.squeeze(0)[0].item<float>(), 1.0f);
  EXPECT_EQ(out.clipped_low.squeeze(0)[1].item<float>(), 1.0f);
  EXPECT_EQ((out.clipped_low + out.clipped_high).sum().item<float>(), 2.0f);

  out.per_token_loss.sum().backward();
  auto g = c.logp.grad().squeeze(0);
  // d/dlogp (-A r) = -A r; clipped tokens pass no gradient.
  EXPECT_EQ(g[0].item<double>(), 0.0);
  EXPECT_EQ(g[1].item<double>(), 0.0);
  EXPECT_NEAR(g[2].item<double>(), -2 * e1, 1e-6);
  EXPECT_NEAR(g[3].item<double>(), e5, 1e-6);
  (void)em5;
}

TEST(PpoClipLossTest, ClippedTokensPassNoGradientInClippedDirection) {
  PolicyLossOptions o;  // 0.2 / 0.2
  auto loss = MakePolicyLoss("ppo_clip", o);
  ASSERT_TRUE(loss.ok());
  // A > 0, ratio above 1.2: increasing logp further gives no gradient...
  auto logp = T({0.4f, -0.4f}).requires_grad_(true);
  auto out = (*loss)->Compute(logp, T({0, 0}), T({1, -1}));
  out.per_token_loss.sum().backward();
  EXPECT_EQ(logp.grad()[0][0].item<double>(), 0.0);
  EXPECT_EQ(logp.grad()[0][1].item<double>(), 0.0);
  // ...but a ratio below 1 - clip with A > 0 (the other direction) keeps its gradient.
  auto logp2 = T({-0.4f}).requires_grad_(true);
  auto out2 = (*loss)->Compute(logp2, T({0}), T({1}));
  out2.per_token_loss.sum().backward();
  EXPECT_NEAR(logp2.grad()[0][0].item<double>(), -std::exp(-0.4), 1e-6);
}

TEST(PpoClipLossTest, DualClipBoundsNegativeAdvantageLoss) {
  PolicyLossOptions o;
  o.dual_clip = 1.5;
  auto loss = MakePolicyLoss("ppo_clip", o);
  ASSERT_TRUE(loss.ok());
  // r = e^1 = 2.718 > 1.5 with A = -2: loss = min(2 * 2.718, 2 * 1.5) = 3, no gradient.
  auto logp = T({1.0f, 0.2f}).requires_grad_(true);
  auto out = (*loss)->Compute(logp, T({0, 0}), T({-2, -2}));
  EXPECT_NEAR(out.per_token_loss[0][0].item<double>(), 3.0, 1e-6);
  EXPECT_NEAR(out.per_token_loss[0][1].item<double>(), 2 * std::exp(0.2), 1e-6);
  EXPECT_EQ(out.clipped_high[0][0].item<float>(), 1.0f);
  EXPECT_EQ(out.clipped_high[0][1].item<float>(), 0.0f);
  out.per_token_loss.sum().backward();
  EXPECT_EQ(logp.grad()[0][0].item<double>(), 0.0);
  EXPECT_NEAR(logp.grad()[0][1].item<double>(), 2 * std::exp(0.2), 1e-6);
}

TEST(PpoClipLossTest, RejectsBadOptions) {
  PolicyLossOptions o;
  o.dual_clip = 0.5;
  EXPECT_FALSE(MakePolicyLoss("ppo_clip", o).ok());
  EXPECT_FALSE(MakePolicyLoss("nope", PolicyLossOptions()).ok());
}

TEST(KlEstimatorTest, K1AndK3MatchHandValuesAndGradients) {
  auto k1 = MakeKlEstimator("k1");
  auto k3 = MakeKlEstimator("k3");
  ASSERT_TRUE(k1.ok() && k3.ok());
  auto logp = T({-1.0f}).requires_grad_(true);
  auto ref = T({-0.5f});
  // k1 = logp - ref = -0.5, d/dlogp = 1.
  auto v1 = (*k1)->PerToken(logp, ref);
  EXPECT_NEAR(v1.item<double>(), -0.5, 1e-7);
  v1.sum().backward();
  EXPECT_NEAR(logp.grad().item<double>(), 1.0, 1e-7);
  // k3 with d = ref - logp = 0.5: e^.5 - .5 - 1; d/dlogp = 1 - e^.5.
  logp.mutable_grad().zero_();
  auto v3 = (*k3)->PerToken(logp, ref);
  EXPECT_NEAR(v3.item<double>(), std::exp(0.5) - 1.5, 1e-6);
  v3.sum().backward();
  EXPECT_NEAR(logp.grad().item<double>(), 1.0 - std::exp(0.5), 1e-6);
}

TEST(KlEstimatorTest, K3IsZeroWithZeroGradientWhenPoliciesAreEqual) {
  auto k3 = MakeKlEstimator("k3");
  ASSERT_TRUE(k3.ok());
  auto logp = T({-0.3f, -2.0f, -7.5f}).requires_grad_(true);
  auto v = (*k3)->PerToken(logp, logp.detach().clone());
  EXPECT_EQ(v.abs().max().item<float>(), 0.0f);
  v.sum().backward();
  EXPECT_EQ(logp.grad().abs().max().item<float>(), 0.0f);
}

TEST(TokenLogProbsTest, UniformLogitsGiveLogVAndSoftmaxGradient) {
  auto logits = torch::zeros({1, 1, 4}).requires_grad_(true);
  auto targets = torch::tensor({2}, torch::kInt64).view({1, 1});
  auto [logp, ent] = TokenLogProbsAndEntropy(logits, targets, EntropyMode::kDifferentiable);
  EXPECT_NEAR(logp.item<double>(), -std::log(4.0), 1e-6);
  EXPECT_NEAR(ent.item<double>(), std::log(4.0), 1e-6);
  logp.sum().backward();
  // d logp_y / d logits = onehot(y) - softmax = {-.25, -.25, .75, -.25}.
  auto g = logits.grad().view({4});
  EXPECT_NEAR(g[2].item<double>(), 0.75, 1e-6);
  EXPECT_NEAR(g[0].item<double>(), -0.25, 1e-6);
  // Entropy for a two-way distribution p = (0.5 + x): logits {log 3, 0} -> p = {.75, .25}.
  auto l2 = torch::tensor({std::log(3.0f), 0.0f}).view({1, 1, 2});
  auto [lp2, ent2] =
      TokenLogProbsAndEntropy(l2, torch::zeros({1, 1}, torch::kInt64), EntropyMode::kDetached);
  EXPECT_NEAR(ent2.item<double>(), -(0.75 * std::log(0.75) + 0.25 * std::log(0.25)), 1e-6);
  EXPECT_NEAR(lp2.item<double>(), std::log(0.75), 1e-6);
}

}  // namespace
}  // namespace rlzero
