// tests/policy/autocast_scope_test.cc: AutocastScope turns CPU autocast on
// (matmuls in bf16, float32 parameters untouched) and off, nests, and
// restores the previous state when it ends.
#include "policy/autocast_scope.h"

#include <gtest/gtest.h>

namespace rlzero {
namespace {

TEST(AutocastScopeTest, EnablesNestsAndRestores) {
  auto a = torch::randn({4, 8});
  auto b = torch::randn({8, 3});
  ASSERT_FALSE(AutocastScope::Enabled(torch::kCPU));
  EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kFloat32);
  {
    AutocastScope on(torch::kCPU, true, torch::kBFloat16);
    EXPECT_TRUE(AutocastScope::Enabled(torch::kCPU));
    EXPECT_EQ(AutocastScope::Dtype(torch::kCPU), torch::kBFloat16);
    EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kBFloat16);
    EXPECT_EQ(a.scalar_type(), torch::kFloat32);
    {
      AutocastScope off(torch::kCPU, false);
      EXPECT_FALSE(AutocastScope::Enabled(torch::kCPU));
      EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kFloat32);
    }
    EXPECT_TRUE(AutocastScope::Enabled(torch::kCPU));
    EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kBFloat16);
  }
  EXPECT_FALSE(AutocastScope::Enabled(torch::kCPU));
  EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kFloat32);
}

TEST(AutocastScopeTest, GradientsOfFloat32LeavesStayFloat32) {
  auto w = torch::randn({8, 3}, torch::requires_grad());
  auto x = torch::randn({4, 8});
  torch::Tensor y;
  {
    AutocastScope on(torch::kCPU, true, torch::kBFloat16);
    y = torch::matmul(x, w);
  }
  y.to(torch::kFloat32).sum().backward();
  ASSERT_TRUE(w.grad().defined());
  EXPECT_EQ(w.grad().scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::isfinite(w.grad()).all().item<bool>());
}

}  // namespace
}  // namespace rlzero
