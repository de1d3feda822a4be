// `rlzero bench verify` reports code runs/s on HumanEval canonical solutions
// next to the math numbers, and `rlzero bench verify-code` still runs. Uses
// the first 3 HumanEval problems (a temp jsonl) to stay quick. Where this host
// forbids the sandbox's isolation, the code part reports code_error and the
// test is skipped with that reason. Speed is reported, not tested.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

std::string FirstHumanEvalProblems(int n) {
  std::string path = ::testing::TempDir() + "/humaneval_head.jsonl";
  auto r = testing::RunCommand("gzip -dc '" + std::string(RLZERO_SOURCE_DIR) +
                               "/tests/fixtures/data/HumanEval.jsonl.gz' | head -n " +
                               std::to_string(n) + " > '" + path + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return path;
}

TEST(BenchVerifyCodeTest, VerifyReportsCodeRunsWithCountAndPassRate) {
  std::string humaneval = FirstHumanEvalProblems(3);
  std::string math = std::string(RLZERO_SOURCE_DIR) + "/tests/fixtures/data/math500_test.jsonl";
  auto r =
      testing::RunCommand(testing::BinPath("rlzero") + " bench verify --min-time-s 0.02 --data " +
                          math + " --humaneval " + humaneval);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["math_problems"], 500);
  EXPECT_EQ(j["code_data"], humaneval);
  if (j["code_runs_per_s"].is_null())
    GTEST_SKIP() << "no sandbox here: " << j["code_error"].get<std::string>();
  EXPECT_GT(j["code_runs_per_s"].get<double>(), 0);
  EXPECT_EQ(j["code_problems"], 3);
  EXPECT_EQ(j["code_correct"], 3);
  EXPECT_DOUBLE_EQ(j["code_pass_rate"].get<double>(), 1.0);
}

TEST(BenchVerifyCodeTest, MissingHumanEvalIsReportedNotFatal) {
  std::string math = std::string(RLZERO_SOURCE_DIR) + "/tests/fixtures/data/math500_test.jsonl";
  auto r =
      testing::RunCommand(testing::BinPath("rlzero") + " bench verify --min-time-s 0.02 --data " +
                          math + " --humaneval /nonexistent.jsonl.gz");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_TRUE(j["code_runs_per_s"].is_null());
  EXPECT_NE(j["code_error"].get<std::string>().find("/nonexistent.jsonl.gz"), std::string::npos);
}

TEST(BenchVerifyCodeTest, VerifyCodeStillRuns) {
  std::string humaneval = FirstHumanEvalProblems(3);
  auto r =
      testing::RunCommand(testing::BinPath("rlzero") + " bench verify-code --data " + humaneval);
  if (r.exit_code != 0 && r.err.find("sandbox") != std::string::npos)
    GTEST_SKIP() << "no sandbox here: " << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["code_problems"], 3);
  EXPECT_EQ(j["code_correct"], 3);
  EXPECT_GT(j["code_runs_per_s"].get<double>(), 0);
  EXPECT_GT(j["baseline"]["runs_per_s"].get<double>(), 0);
}

}  // namespace
}  // namespace rlzero
