// tests/policy/linear_logprobs_test.cc: the chunked lm_head + log-softmax
// (LinearLogProbs) against the plain autograd reference
// log_softmax(hidden @ weight^T).gather(targets) in float32 on random
// inputs: values, entropies and gradients with respect to hidden and weight,
// with and without the entropy term, for chunk sizes that do and do not
// divide N; then under bf16 autocast.
#include "policy/linear_logprobs.h"

#include <gtest/gtest.h>

#include "policy/autocast_scope.h"

namespace rlzero {
namespace {

constexpr int64_t kN = 13, kC = 24, kV = 97;

struct Inputs {
  torch::Tensor hidden, weight, targets, g_lp, g_ent;
};

Inputs RandomInputs(uint64_t seed) {
  torch::manual_seed(seed);
  Inputs in;
  in.hidden = torch::randn({kN, kC});
  in.weight = torch::randn({kV, kC}) * 0.5;  // peaked, not near-uniform, distributions
  in.targets = torch::randint(0, kV, {kN}, torch::kInt64);
  in.g_lp = torch::randn({kN});
  in.g_ent = torch::randn({kN});
  return in;
}

struct Result {
  torch::Tensor lp, ent, grad_hidden, grad_weight;
};

// use_entropy: the loss includes sum(g_ent * entropy); with_entropy: the
// entropy is computed at all (it may be computed and left out of the loss).
template <typename F>
Result Run(const Inputs& in, bool with_entropy, bool use_entropy, F logprobs_fn) {
  auto h = in.hidden.clone().requires_grad_(true);
  auto w = in.weight.clone().requires_grad_(true);
  auto [lp, ent] = logprobs_fn(h, w, with_entropy);
  auto loss = (lp * in.g_lp).sum();
  if (use_entropy) loss = loss + (ent * in.g_ent).sum();
  loss.backward();
  return {lp.detach(), with_entropy ? ent.detach() : torch::Tensor(), h.grad(), w.grad()};
}

Result Reference(const Inputs& in, bool with_entropy, bool use_entropy) {
  return Run(in, with_entropy, use_entropy,
             [&](const torch::Tensor& h, const torch::Tensor& w,
                 bool e) -> std::pair<torch::Tensor, torch::Tensor> {
               auto lsm = torch::log_softmax(torch::matmul(h, w.t()), -1);  // [N, V]
               auto lp = lsm.gather(1, in.targets.unsqueeze(1)).squeeze(1);
               return {lp, e ? -(lsm.exp() * lsm).sum(-1) : torch::Tensor()};
             });
}

Result Chunked(const Inputs& in, int64_t chunk, bool with_entropy, bool use_entropy) {
  return Run(in, with_entropy, use_entropy,
             [&](const torch::Tensor& h, const torch::Tensor& w, bool e) {
               return LinearLogProbs(h, w, in.targets, chunk, e);
             });
}

void ExpectClose(const torch::Tensor& a, const torch::Tensor& b, const std::string& what) {
  ASSERT_TRUE(a.defined() && b.defined()) << what;
  EXPECT_EQ(a.scalar_type(), b.scalar_type()) << what;
  EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-5))
      << what << ": max abs diff " << (a - b).abs().max().item<double>();
}

TEST(LinearLogProbsTest, ValuesAndGradientsMatchUnchunkedFloat32) {
  const Inputs in = RandomInputs(11);
  struct Case {
    bool with_entropy, use_entropy;
  };
  for (Case c : {Case{false, false}, Case{true, false}, Case{true, true}}) {
    const Result ref = Reference(in, c.with_entropy, c.use_entropy);
    for (int64_t chunk : {1, 3, 5, 12, 13, 100, 0}) {
      const std::string what = "chunk " + std::to_string(chunk) +
                               " with_entropy=" + std::to_string(c.with_entropy) +
                               " use_entropy=" + std::to_string(c.use_entropy);
      const Result got = Chunked(in, chunk, c.with_entropy, c.use_entropy);
      ExpectClose(got.lp, ref.lp, what + " logprobs");
      if (c.with_entropy) ExpectClose(got.ent, ref.ent, what + " entropy");
      if (!c.with_entropy) EXPECT_FALSE(got.ent.defined()) << what;
      ExpectClose(got.grad_hidden, ref.grad_hidden, what + " grad hidden");
      ExpectClose(got.grad_weight, ref.grad_weight, what + " grad weight");
    }
  }
}

TEST(LinearLogProbsTest, LogProbsAreNormalisedAndFloat32) {
  Inputs in = RandomInputs(12);
  torch::NoGradGuard ng;
  // Scoring every vocabulary entry of one row sums to probability 1.
  auto h = in.hidden.narrow(0, 0, 1).expand({kV, kC});
  auto [lp, ent] = LinearLogProbs(h, in.weight, torch::arange(kV, torch::kInt64), 7, true);
  EXPECT_EQ(lp.scalar_type(), torch::kFloat32);
  EXPECT_NEAR(lp.exp().sum().item<double>(), 1.0, 1e-5);
  EXPECT_NEAR(ent[0].item<double>(), -(lp.exp() * lp).sum().item<double>(), 1e-5);
}

TEST(LinearLogProbsTest, ShapeMismatchIsAnError) {
  Inputs in = RandomInputs(13);
  EXPECT_THROW(LinearLogProbs(in.hidden, in.weight.t(), in.targets, 4, false), c10::Error);
  EXPECT_THROW(LinearLogProbs(in.hidden, in.weight, in.targets.narrow(0, 0, 3), 4, false),
               c10::Error);
}

TEST(LinearLogProbsTest, Bf16AutocastKeepsFloat32OutputsAndGradients) {
  const Inputs in = RandomInputs(14);
  const Result ref = Reference(in, true, true);
  auto h = in.hidden.clone().requires_grad_(true);
  auto w = in.weight.clone().requires_grad_(true);
  torch::Tensor loss;
  Result got;
  {
    AutocastScope autocast(torch::kCPU, true, torch::kBFloat16);
    auto [lp, ent] = LinearLogProbs(h, w, in.targets, 5, true);
    got.lp = lp.detach();
    got.ent = ent.detach();
    loss = (lp * in.g_lp).sum() + (ent * in.g_ent).sum();
  }
  loss.backward();  // outside the scope, as in PyTorch
  got.grad_hidden = h.grad();
  got.grad_weight = w.grad();
  EXPECT_EQ(got.lp.scalar_type(), torch::kFloat32);
  EXPECT_EQ(got.grad_hidden.scalar_type(), torch::kFloat32);
  EXPECT_EQ(got.grad_weight.scalar_type(), torch::kFloat32);
  // bf16 logits: 8 mantissa bits, logits of size ~5 -> errors of a few 1e-2.
  EXPECT_TRUE(torch::allclose(got.lp, ref.lp, 0.05, 0.1));
  EXPECT_TRUE(torch::allclose(got.ent, ref.ent, 0.05, 0.1));
  auto rel = [](const torch::Tensor& a, const torch::Tensor& b) {
    return ((a - b).norm() / b.norm()).item<double>();
  };
  EXPECT_LT(rel(got.grad_hidden, ref.grad_hidden), 0.05);
  EXPECT_LT(rel(got.grad_weight, ref.grad_weight), 0.05);
  // Not bitwise the float32 result: the matmul really ran in bf16.
  EXPECT_FALSE(torch::equal(got.lp, ref.lp));
}

}  // namespace
}  // namespace rlzero
