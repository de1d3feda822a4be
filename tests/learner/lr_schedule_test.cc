// tests/learner/lr_schedule_test.cc: warm-up, constant and cosine rates
// against closed-form values; micro-batch planning against hand packing.
#include "learner/lr_schedule.h"

#include <gtest/gtest.h>

#include "learner/micro_batching.h"

namespace rlzero {
namespace {

TEST(LrScheduleTest, LinearWarmupThenConstant) {
  LrScheduleOptions o;
  o.lr = 1.0;
  o.warmup_steps = 4;
  ASSERT_TRUE(ValidateLrSchedule(o).ok());
  EXPECT_DOUBLE_EQ(LearningRateAt(o, 0), 0.25);
  EXPECT_DOUBLE_EQ(LearningRateAt(o, 2), 0.75);
  EXPECT_DOUBLE_EQ(LearningRateAt(o, 3), 1.0);
  EXPECT_DOUBLE_EQ(LearningRateAt(o, 100), 1.0);
}

TEST(LrScheduleTest, CosineReachesMinAtHorizon) {
  LrScheduleOptions o;
  o.lr = 2.0;
  o.kind = "cosine";
  o.warmup_steps = 2;
  o.total_steps = 12;
  o.min_lr_ratio = 0.1;
  ASSERT_TRUE(ValidateLrSchedule(o).ok());
  EXPECT_DOUBLE_EQ(LearningRateAt(o, 2), 2.0);
  EXPECT_NEAR(LearningRateAt(o, 7), 0.2 + 1.8 * 0.5, 1e-12);  // halfway: cos(pi/2) = 0
  EXPECT_NEAR(LearningRateAt(o, 12), 0.2, 1e-12);
  EXPECT_NEAR(LearningRateAt(o, 50), 0.2, 1e-12);
}

TEST(LrScheduleTest, RejectsBadKindAndHorizon) {
  LrScheduleOptions o;
  o.kind = "linear";
  EXPECT_FALSE(ValidateLrSchedule(o).ok());
  o.kind = "cosine";
  o.total_steps = 0;
  EXPECT_FALSE(ValidateLrSchedule(o).ok());
}

TEST(MicroBatchingTest, PacksLongestFirstUnderPaddedBudget) {
  // Sorted: 10 (#1), 5 (#2), 3 (#0), 2 (#3). Budget 12: {#1}; {#2,#0} costs
  // 2*5 = 10; adding #3 would cost 15.
  auto plan = PlanMicroBatches({3, 10, 5, 2}, 12);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0], std::vector<int>({1}));
  EXPECT_EQ(plan[1], std::vector<int>({2, 0}));
  EXPECT_EQ(plan[2], std::vector<int>({3}));
}

TEST(MicroBatchingTest, ZeroBudgetMeansOneBatchAndOversizeStandsAlone) {
  EXPECT_EQ(PlanMicroBatches({3, 4}, 0).size(), 1u);
  auto plan = PlanMicroBatches({30, 2}, 8);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0], std::vector<int>({0}));
}

TEST(MicroBatchingTest, SplitEvenlyCoversAll) {
  auto parts = SplitEvenly(7, 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], std::vector<int>({0, 1, 2}));
  EXPECT_EQ(parts[1], std::vector<int>({3, 4}));
  EXPECT_EQ(parts[2], std::vector<int>({5, 6}));
  EXPECT_EQ(SplitEvenly(2, 5).size(), 2u);
}

}  // namespace
}  // namespace rlzero
