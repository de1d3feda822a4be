// tests/verifiers/math/bench_verify_test.cc: `rlzero bench verify` runs end to
// end and prints one JSON object with the contract's fields (no throughput
// assertion: speed is reported, not tested).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

TEST(BenchVerifyTest, PrintsMathThroughputAndBaseline) {
  std::string data = std::string(RLZERO_SOURCE_DIR) + "/tests/fixtures/data/math500_test.jsonl";
  auto r = testing::RunCommand(testing::BinPath("rlzero") +
                               " bench verify --no-code --min-time-s 0.05 --data " + data);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["bench"], "verify");
  EXPECT_EQ(j["math_problems"], 500);
  EXPECT_EQ(j["math_correct"], 500);
  EXPECT_GT(j["math_verifications_per_s"].get<double>(), 0);
  EXPECT_GT(j["baseline"]["verifications_per_s"].get<double>(), 0);
  EXPECT_EQ(j["math_structural_path_correct"], 500);
  // The code part (tests/cli/bench_verify_code_test.cc) is skipped here.
  EXPECT_TRUE(j["code_runs_per_s"].is_null());
  EXPECT_NE(j["code_error"].get<std::string>().find("--no-code"), std::string::npos);
}

TEST(BenchVerifyTest, MissingDataIsAnError) {
  auto r =
      testing::RunCommand(testing::BinPath("rlzero") + " bench verify --data /nonexistent.jsonl");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent.jsonl"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rlzero
