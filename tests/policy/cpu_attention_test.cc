// tests/policy/cpu_attention_test.cc: the fused CPU inference attention
// against a plain LibTorch formulation (K/V repeated per query head, masked
// softmax) computed in float64, on the layouts the rollout cache produces.
#include "policy/cpu_attention.h"

#include <gtest/gtest.h>

#include <limits>

namespace rlzero {
namespace {

// The math the kernel must reproduce, in float64: allowed [B or 1, 1, T, S].
torch::Tensor OpsAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                           const torch::Tensor& allowed, double scale) {
  const int64_t rep = q.size(1) / k.size(1);
  auto qq = q.to(torch::kFloat64);
  auto kk = k.to(torch::kFloat64).repeat_interleave(rep, 1);
  auto vv = v.to(torch::kFloat64).repeat_interleave(rep, 1);
  auto scores = torch::matmul(qq, kk.transpose(-2, -1)) * scale;
  scores = scores.masked_fill(allowed.logical_not(), std::numeric_limits<double>::lowest());
  return torch::matmul(torch::softmax(scores, -1), vv);
}

torch::Tensor Causal(int64_t T, int64_t S) {
  return torch::ones({T, S}, torch::kBool).tril(S - T).view({1, 1, T, S});
}

TEST(CpuAttentionTest, DecodeOverStridedCacheViewsWithPerRowLengths) {
  // The rollout cache: storage [slots, Hkv, max_len, D], attention sees a
  // narrowed view [B, Hkv, S, D] and a per-row key mask (rows of different length).
  const int64_t slots = 5, B = 4, H = 8, Hkv = 2, max_len = 40, S = 23, D = 16, Dv = 12;
  torch::manual_seed(7);
  auto kstore = torch::randn({slots, Hkv, max_len, D});
  auto vstore = torch::randn({slots, Hkv, max_len, Dv});
  auto k = kstore.narrow(0, 1, B).narrow(2, 0, S);
  auto v = vstore.narrow(0, 1, B).narrow(2, 0, S);
  auto q = torch::randn({B, H, 1, D});
  auto allowed = torch::zeros({B, 1, 1, S}, torch::kBool);
  const int64_t lengths[] = {23, 1, 17, 9};
  for (int64_t b = 0; b < B; ++b) allowed[b].narrow(-1, 0, lengths[b]).fill_(true);
  torch::NoGradGuard g;
  ASSERT_TRUE(CpuAttentionApplies(q, k, v, allowed));
  auto got = CpuAttention(q, k, v, allowed, 0.25);
  ASSERT_EQ(got.sizes(), (std::vector<int64_t>{B, H, 1, Dv}));
  EXPECT_TRUE(got.is_contiguous());
  auto want = OpsAttention(q, k, v, allowed, 0.25);
  EXPECT_TRUE(torch::allclose(got.to(torch::kFloat64), want, 1e-5, 1e-5))
      << (got.to(torch::kFloat64) - want).abs().max().item<double>();
}

TEST(CpuAttentionTest, PrefillImplicitCausalAndBroadcastMask) {
  const int64_t B = 3, H = 4, Hkv = 4, T = 6, S = 9, D = 8;
  torch::manual_seed(11);
  auto q = torch::randn({B, H, T, D}, torch::kFloat64);
  auto k = torch::randn({B, Hkv, S, D}, torch::kFloat64);
  auto v = torch::randn({B, Hkv, S, D}, torch::kFloat64);
  auto want = OpsAttention(q, k, v, Causal(T, S), 0.3);
  EXPECT_TRUE(torch::allclose(CpuAttention(q, k, v, torch::Tensor(), 0.3), want, 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(CpuAttention(q, k, v, Causal(T, S), 0.3), want, 1e-12, 1e-12));
  // q as the model produces it: a transposed view [B, T, H, D] -> [B, H, T, D].
  auto qt = q.transpose(1, 2).contiguous().transpose(1, 2);
  EXPECT_TRUE(torch::allclose(CpuAttention(qt, k, v, Causal(T, S), 0.3), want, 1e-12, 1e-12));
}

TEST(CpuAttentionTest, FullyMaskedRowAveragesValuesUniformly) {
  const int64_t S = 5, D = 3;
  torch::manual_seed(2);
  auto q = torch::randn({1, 1, 1, D}, torch::kFloat64);
  auto k = torch::randn({1, 1, S, D}, torch::kFloat64);
  auto v = torch::randn({1, 1, S, D}, torch::kFloat64);
  auto none = torch::zeros({1, 1, 1, S}, torch::kBool);
  auto got = CpuAttention(q, k, v, none, 1.0);
  EXPECT_TRUE(torch::allclose(got.view({D}), v.view({S, D}).mean(0), 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(got, OpsAttention(q, k, v, none, 1.0), 1e-12, 1e-12));
}

TEST(CpuAttentionTest, RowsDoNotDependOnTheirBatchOrThreadCount) {
  const int64_t B = 9, H = 4, Hkv = 2, S = 70, D = 32;
  torch::manual_seed(5);
  auto q = torch::randn({B, H, 1, D});
  auto k = torch::randn({B, Hkv, S, D});
  auto v = torch::randn({B, Hkv, S, D});
  auto allowed = torch::rand({B, 1, 1, S}) < 0.8;
  auto all = CpuAttention(q, k, v, allowed, 0.17);
  for (int64_t b : {0, 4, 8}) {
    auto alone = CpuAttention(q.narrow(0, b, 1), k.narrow(0, b, 1), v.narrow(0, b, 1),
                              allowed.narrow(0, b, 1), 0.17);
    EXPECT_TRUE(torch::equal(alone, all.narrow(0, b, 1))) << "row " << b;
  }
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  auto one_thread = CpuAttention(q, k, v, allowed, 0.17);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one_thread, all));
}

TEST(CpuAttentionTest, BFloat16WithinItsPrecision) {
  const int64_t B = 2, H = 4, Hkv = 1, S = 12, D = 16;
  torch::manual_seed(9);
  auto q = torch::randn({B, H, 1, D}).to(torch::kBFloat16);
  auto k = torch::randn({B, Hkv, S, D}).to(torch::kBFloat16);
  auto v = torch::randn({B, Hkv, S, D}).to(torch::kBFloat16);
  auto got = CpuAttention(q, k, v, torch::Tensor(), 0.25);
  EXPECT_EQ(got.scalar_type(), torch::kBFloat16);
  auto want = OpsAttention(q, k, v, Causal(1, S), 0.25);
  EXPECT_TRUE(torch::allclose(got.to(torch::kFloat64), want, 2e-2, 2e-2));
}

TEST(CpuAttentionTest, AppliesOnlyWithoutAutogradOnSupportedInputs) {
  auto q = torch::randn({1, 2, 1, 4});
  auto k = torch::randn({1, 1, 3, 4});
  auto v = torch::randn({1, 1, 3, 4});
  EXPECT_TRUE(CpuAttentionApplies(q, k, v, torch::Tensor()));
  auto qg = q.clone().requires_grad_(true);
  EXPECT_FALSE(CpuAttentionApplies(qg, k, v, torch::Tensor()));
  {
    torch::NoGradGuard g;
    EXPECT_TRUE(CpuAttentionApplies(qg, k, v, torch::Tensor()));
  }
  EXPECT_FALSE(CpuAttentionApplies(q.to(torch::kHalf), k.to(torch::kHalf), v.to(torch::kHalf),
                                   torch::Tensor()));
  EXPECT_FALSE(CpuAttentionApplies(q, k.to(torch::kFloat64), v, torch::Tensor()));
  EXPECT_FALSE(CpuAttentionApplies(q, k, v, torch::ones({1, 1, 1, 3})));  // float mask
}

TEST(CpuAttentionTest, MismatchedShapesAreNamed) {
  auto q = torch::randn({1, 3, 1, 4});
  auto k = torch::randn({1, 2, 3, 4});
  auto v = torch::randn({1, 2, 3, 4});
  try {
    CpuAttention(q, k, v, torch::Tensor(), 1.0);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a multiple of kv heads"), std::string::npos);
  }
  try {
    CpuAttention(torch::randn({1, 2, 1, 4}), k, v, torch::ones({1, 1, 1, 5}, torch::kBool), 1.0);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("mask"), std::string::npos);
  }
}

}  // namespace
}  // namespace rlzero
