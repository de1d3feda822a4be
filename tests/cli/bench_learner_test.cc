// `rlzero bench learner` as a real process on its tiny config (one timed
// step): the JSON carries the learner's and the plain LibTorch step's
// tokens/s, their ratio, the model FLOPs and the CPU peak RSS columns;
// --skip-baseline nulls the baseline's fields. Speed is reported, not tested.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/bench_json.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

nlohmann::json BenchLearner(const std::string& flags) {
  return testing::RunBenchJson("learner --only tiny --steps 1 " + flags);
}

TEST(BenchLearnerTest, TinyConfigReportsLearnerAndBaselineTokensPerSecond) {
  auto j = BenchLearner("");
  ASSERT_TRUE(j.contains("configs")) << j.dump();
  ASSERT_EQ(j["configs"].size(), 1u);
  const auto& c = j["configs"][0];
  EXPECT_EQ(c["name"], "tiny");
  EXPECT_GT(c["parameters"].get<double>(), 0.0);
  for (const char* key : {"learner_tokens_per_s", "baseline_tokens_per_s", "learner_vs_baseline",
                          "model_tflop_per_step", "learner_achieved_tflops", "learner_peak_rss_mb"})
    EXPECT_GT(c[key].get<double>(), 0.0) << key;
  EXPECT_EQ(j["device"], "cpu");
}

TEST(BenchLearnerTest, SkipBaselineNullsTheBaselineFields) {
  auto j = BenchLearner("--skip-baseline");
  ASSERT_TRUE(j.contains("configs")) << j.dump();
  const auto& c = j["configs"][0];
  EXPECT_GT(c["learner_tokens_per_s"].get<double>(), 0.0);
  EXPECT_TRUE(c["baseline_tokens_per_s"].is_null());
  EXPECT_TRUE(c["learner_vs_baseline"].is_null());
}

}  // namespace
}  // namespace rlzero
