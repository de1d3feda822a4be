// tests/learner/advantage_estimator_test.cc: advantage estimators against
// hand-computed values, degenerate groups, batch normalisation.
#include "learner/advantage_estimator.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rlzero {
namespace {

std::vector<std::vector<double>> Advantages(const std::string& name,
                                            const std::vector<std::vector<double>>& groups,
                                            bool batch_norm = false) {
  auto est = MakeAdvantageEstimator(name);
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  AdvantageOptions o;
  o.eps = 1e-12;
  o.batch_normalize = batch_norm;
  return ComputeAdvantages(**est, groups, o);
}

TEST(AdvantageEstimatorTest, GrpoDividesByUnbiasedGroupStd) {
  // mean 0.5, unbiased std sqrt(1/3): A = +-0.5 * sqrt(3) = +-0.8660254.
  auto a = Advantages("grpo", {{1, 0, 0, 1}});
  EXPECT_NEAR(a[0][0], 0.8660254037844386, 1e-9);
  EXPECT_NEAR(a[0][1], -0.8660254037844386, 1e-9);
  EXPECT_NEAR(a[0][3], 0.8660254037844386, 1e-9);
}

TEST(AdvantageEstimatorTest, GrpoEpsIsAddedToStd) {
  auto est = MakeAdvantageEstimator("grpo");
  ASSERT_TRUE(est.ok());
  AdvantageOptions o;
  o.eps = 0.5;
  // rewards {2, 0}: mean 1, std sqrt(2); A = 1 / (sqrt(2) + 0.5).
  auto a = ComputeAdvantages(**est, {{2, 0}}, o);
  EXPECT_NEAR(a[0][0], 1.0 / (std::sqrt(2.0) + 0.5), 1e-12);
}

TEST(AdvantageEstimatorTest, DrGrpoOnlySubtractsMean) {
  auto a = Advantages("dr_grpo", {{1, 0, 0, 0}});
  EXPECT_DOUBLE_EQ(a[0][0], 0.75);
  EXPECT_DOUBLE_EQ(a[0][1], -0.25);
  EXPECT_DOUBLE_EQ(a[0][3], -0.25);
}

TEST(AdvantageEstimatorTest, RlooUsesLeaveOneOutMean) {
  auto a = Advantages("rloo", {{1, 0, 0, 0}, {3, 1, 2}});
  EXPECT_DOUBLE_EQ(a[0][0], 1.0);
  EXPECT_NEAR(a[0][1], -1.0 / 3.0, 1e-15);
  EXPECT_DOUBLE_EQ(a[1][0], 3.0 - 1.5);
  EXPECT_DOUBLE_EQ(a[1][1], 1.0 - 2.5);
  EXPECT_DOUBLE_EQ(a[1][2], 2.0 - 2.0);
}

TEST(AdvantageEstimatorTest, AllEqualGroupGivesZeroForEveryEstimator) {
  for (const std::string& name : AdvantageEstimatorNames()) {
    for (bool bn : {false, true}) {
      auto a = Advantages(name, {{0.7, 0.7, 0.7}, {1, 0}, {5}}, bn);
      for (double x : a[0]) EXPECT_EQ(x, 0.0) << name;
      EXPECT_EQ(a[2][0], 0.0) << name;
    }
  }
}

TEST(AdvantageEstimatorTest, BatchNormalisationSkipsDegenerateGroups) {
  // dr_grpo gives {0.5, -0.5} and {1, -1}; live values {0.5,-0.5,1,-1}: mean 0,
  // unbiased std sqrt(2.5/3).
  auto a = Advantages("dr_grpo", {{1, 0}, {2, 2}, {3, 1}}, true);
  const double s = std::sqrt(2.5 / 3.0);
  EXPECT_NEAR(a[0][0], 0.5 / s, 1e-9);
  EXPECT_NEAR(a[2][1], -1.0 / s, 1e-9);
  EXPECT_EQ(a[1][0], 0.0);
  EXPECT_EQ(a[1][1], 0.0);
}

TEST(AdvantageEstimatorTest, UnknownNameListsChoices) {
  auto est = MakeAdvantageEstimator("ppo");
  ASSERT_FALSE(est.ok());
  EXPECT_NE(est.status().message().find("'ppo'"), std::string::npos);
  EXPECT_NE(est.status().message().find("rloo"), std::string::npos);
}

}  // namespace
}  // namespace rlzero
