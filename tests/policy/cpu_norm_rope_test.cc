// tests/policy/cpu_norm_rope_test.cc: the fused CPU inference RMSNorm and
// RoPE kernels against their LibTorch formulations (transformers' eager
// LlamaRMSNorm and apply_rotary_pos_emb), on the layouts the decoder feeds
// them: projection outputs viewed [B, T, H, D] and transposed to [B, H, T, D].
#include <gtest/gtest.h>

#include "policy/cpu_rms_norm.h"
#include "policy/cpu_rope.h"

namespace rlzero {
namespace {

// LlamaRMSNorm as LibTorch ops: normalise in float32 (float64 stays float64),
// cast back, multiply by the weight.
torch::Tensor OpsRmsNorm(const torch::Tensor& x, const torch::Tensor& w, double eps) {
  auto h = x.to(c10::promoteTypes(x.scalar_type(), torch::kFloat32));
  h = h * torch::rsqrt(h.pow(2).mean(-1, true) + eps);
  return w * h.to(x.scalar_type());
}

torch::Tensor OpsRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  auto rotated = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * cos.unsqueeze(1) + rotated * sin.unsqueeze(1);
}

std::pair<torch::Tensor, torch::Tensor> CosSin(int64_t B, int64_t T, int64_t D, uint64_t seed) {
  at::Generator g = at::detail::createCPUGenerator(seed);
  auto pos = torch::empty({B, T}, torch::kFloat32).uniform_(0, 500, g).floor();
  auto inv = torch::pow(10000.0, -torch::arange(0, D, 2, torch::kFloat32) / double(D));
  auto f = pos.unsqueeze(-1) * inv;
  auto emb = torch::cat({f, f}, -1);
  return {emb.cos(), emb.sin()};
}

TEST(CpuRmsNormTest, MatchesTheOpsOnHiddenStatesAndHeadViews) {
  torch::NoGradGuard ng;
  at::Generator g = at::detail::createCPUGenerator(1);
  auto w = torch::empty({64}).normal_(1.0, 0.1, g);
  // Hidden states [B, T, C] (C not a multiple of 8 too) and a q_norm input:
  // a [B, T, H*D] projection viewed [B, T, H, D].
  for (const auto& [x, wt] :
       {std::pair{torch::empty({3, 5, 64}).normal_(0, 2, g), w},
        std::pair{torch::empty({2, 4, 37}).normal_(0, 1, g), w.narrow(0, 0, 37).contiguous()},
        std::pair{torch::empty({2, 3, 4 * 16}).normal_(0, 1, g).view({2, 3, 4, 16}),
                  w.narrow(0, 0, 16).contiguous()}}) {
    ASSERT_TRUE(CpuRmsNormApplies(x, wt));
    auto got = CpuRmsNorm(x, wt, 1e-6);
    auto want = OpsRmsNorm(x, wt, 1e-6);
    ASSERT_EQ(got.sizes(), want.sizes());
    EXPECT_TRUE(got.is_contiguous());
    // Only the order of the squares' summation differs: a few ulps.
    EXPECT_TRUE(torch::allclose(got, want, 1e-6, 1e-6)) << (got - want).abs().max();
  }
  // float64 against float64 ops, tightly.
  auto x64 = torch::empty({4, 9, 64}, torch::kFloat64).normal_(0, 3, g);
  auto w64 = w.to(torch::kFloat64);
  EXPECT_TRUE(
      torch::allclose(CpuRmsNorm(x64, w64, 1e-5), OpsRmsNorm(x64, w64, 1e-5), 1e-14, 1e-14));
}

TEST(CpuRmsNormTest, StridedRowsAndBFloat16) {
  torch::NoGradGuard ng;
  at::Generator g = at::detail::createCPUGenerator(2);
  auto w = torch::empty({32}).normal_(1.0, 0.1, g);
  // Rows one stride apart (a narrowed batch) and rows that are not (a
  // transposed [T, B, C] view): both give the ops' result.
  auto base = torch::empty({6, 5, 32}).normal_(0, 1, g);
  for (const auto& x : {base.narrow(1, 1, 3), base.transpose(0, 1)}) {
    auto got = CpuRmsNorm(x, w, 1e-6);
    EXPECT_TRUE(torch::allclose(got, OpsRmsNorm(x, w, 1e-6), 1e-6, 1e-6));
  }
  auto xb = base.to(torch::kBFloat16), wb = w.to(torch::kBFloat16);
  auto got = CpuRmsNorm(xb, wb, 1e-6);
  EXPECT_EQ(got.scalar_type(), torch::kBFloat16);
  // Both round the normalised value and the product to bfloat16; they may
  // differ by one bfloat16 ulp where the float32 sums round differently.
  EXPECT_TRUE(torch::allclose(got.to(torch::kFloat32), OpsRmsNorm(xb, wb, 1e-6).to(torch::kFloat32),
                              1e-2, 1e-2));
}

TEST(CpuRmsNormTest, RowsDoNotDependOnTheirBatchOrThreadCount) {
  torch::NoGradGuard ng;
  at::Generator g = at::detail::createCPUGenerator(3);
  auto x = torch::empty({64, 3, 128}).normal_(0, 1, g);
  auto w = torch::empty({128}).normal_(1, 0.1, g);
  auto all = CpuRmsNorm(x, w, 1e-6);
  EXPECT_TRUE(torch::equal(CpuRmsNorm(x.narrow(0, 17, 1), w, 1e-6), all.narrow(0, 17, 1)));
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  auto one = CpuRmsNorm(x, w, 1e-6);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one, all));
}

TEST(CpuRmsNormTest, AppliesOnlyWithoutAutogradOnSupportedInputs) {
  auto x = torch::randn({2, 8});
  auto w = torch::ones({8});
  EXPECT_TRUE(CpuRmsNormApplies(x, w));
  auto wg = w.clone().requires_grad_(true);
  EXPECT_FALSE(CpuRmsNormApplies(x, wg));
  {
    torch::NoGradGuard ng;
    EXPECT_TRUE(CpuRmsNormApplies(x, wg));
  }
  EXPECT_FALSE(CpuRmsNormApplies(x.to(torch::kHalf), w.to(torch::kHalf)));
  EXPECT_FALSE(CpuRmsNormApplies(x, w.to(torch::kFloat64)));
  EXPECT_FALSE(CpuRmsNormApplies(x, torch::ones({7})));
  try {
    CpuRmsNorm(x, torch::ones({7}), 1e-6);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("CpuRmsNorm"), std::string::npos);
  }
}

TEST(CpuRopeTest, BitIdenticalToTheOpsOnTransposedProjections) {
  torch::NoGradGuard ng;
  at::Generator g = at::detail::createCPUGenerator(4);
  const int64_t B = 3, T = 5, H = 4, D = 16;
  auto [cos, sin] = CosSin(B, T, D, 5);
  // q as AttentionImpl makes it: [B, T, H*D] viewed [B, T, H, D], transposed.
  auto q = torch::empty({B, T, H * D}).normal_(0, 1, g).view({B, T, H, D}).transpose(1, 2);
  ASSERT_TRUE(CpuRopeApplies(q, cos, sin));
  auto got = CpuRope(q, cos, sin);
  EXPECT_TRUE(got.is_contiguous());
  EXPECT_TRUE(torch::equal(got, OpsRope(q, cos, sin))) << (got - OpsRope(q, cos, sin)).abs().max();
  // A decode step (T = 1) and cos/sin broadcast over the batch.
  auto [c1, s1] = CosSin(1, 1, D, 6);
  auto k = torch::empty({B, 1, 2 * D}).normal_(0, 1, g).view({B, 1, 2, D}).transpose(1, 2);
  EXPECT_TRUE(torch::equal(CpuRope(k, c1, s1), OpsRope(k, c1, s1)));
  // float64 and bfloat16 round as the ops do.
  auto q64 = q.to(torch::kFloat64);
  EXPECT_TRUE(torch::equal(CpuRope(q64, cos.to(torch::kFloat64), sin.to(torch::kFloat64)),
                           OpsRope(q64, cos.to(torch::kFloat64), sin.to(torch::kFloat64))));
  auto qb = q.to(torch::kBFloat16);
  auto cb = cos.to(torch::kBFloat16), sb = sin.to(torch::kBFloat16);
  EXPECT_TRUE(torch::equal(CpuRope(qb, cb, sb), OpsRope(qb, cb, sb)));
}

TEST(CpuRopeTest, AppliesOnlyWithoutAutogradOnSupportedInputs) {
  auto [cos, sin] = CosSin(2, 3, 8, 7);
  auto x = torch::randn({2, 4, 3, 8});
  EXPECT_TRUE(CpuRopeApplies(x, cos, sin));
  auto xg = x.clone().requires_grad_(true);
  EXPECT_FALSE(CpuRopeApplies(xg, cos, sin));
  {
    torch::NoGradGuard ng;
    EXPECT_TRUE(CpuRopeApplies(xg, cos, sin));
  }
  EXPECT_FALSE(
      CpuRopeApplies(torch::randn({2, 4, 3, 7}), cos.narrow(2, 0, 7), sin.narrow(2, 0, 7)));
  EXPECT_FALSE(CpuRopeApplies(x, cos.narrow(1, 0, 2), sin.narrow(1, 0, 2)));  // T mismatch
  EXPECT_FALSE(CpuRopeApplies(x, cos.to(torch::kFloat64), sin));
  EXPECT_FALSE(CpuRopeApplies(x.to(torch::kHalf), cos.to(torch::kHalf), sin.to(torch::kHalf)));
  try {
    CpuRope(x, cos.narrow(1, 0, 2), sin);
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("CpuRope"), std::string::npos);
  }
}

}  // namespace
}  // namespace rlzero
