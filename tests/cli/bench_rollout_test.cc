// `rlzero bench rollout` as a real process on the built-in tiny Llama, kept
// tiny (batch 2, 4 + 4 tokens): the JSON carries the fields (prefill
// and decode tokens/s, the recompute loop and the ratio, the decode
// breakdown), --repeats reports how many engine runs the median came from,
// and --skip-recompute leaves the recompute fields out. Speed is reported,
// not tested.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/bench_json.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

nlohmann::json Bench(const std::string& flags) {
  return testing::RunBenchJson("rollout --batch-sizes 2 --prompt-len 4 --new-tokens 4 " + flags);
}

TEST(BenchRolloutTest, ReportsEngineRecomputeRatioAndBreakdown) {
  auto j = Bench("--repeats 3");
  ASSERT_TRUE(j.contains("results")) << j.dump();
  ASSERT_EQ(j["results"].size(), 1u);
  const auto& row = j["results"][0];
  EXPECT_EQ(row["batch_size"], 2);
  EXPECT_EQ(row["engine_runs"], 3);
  for (const char* key : {"prefill_tokens_per_s", "decode_tokens_per_s", "engine_tokens_per_s",
                          "recompute_tokens_per_s", "ratio"})
    EXPECT_GT(row[key].get<double>(), 0.0) << key;
  const auto& b = row["decode_breakdown"];
  EXPECT_GE(b["outside_matmul_attention_share"].get<double>(), 0.0);
  EXPECT_LE(b["outside_matmul_attention_share"].get<double>(), 1.0);
  EXPECT_GT(b["weight_read_seconds_estimate"].get<double>(), 0.0);
  EXPECT_GE(b["outside_share_bandwidth_aware"].get<double>(), 0.0);
  EXPECT_LE(b["outside_share_bandwidth_aware"].get<double>(),
            b["outside_matmul_attention_share"].get<double>());
  // One share per engine run, each from the estimate timed right after it;
  // the reported share is the median run's.
  ASSERT_EQ(b["outside_share_per_run"].size(), 3u) << b.dump();
  bool found = false;
  for (const auto& share : b["outside_share_per_run"]) {
    EXPECT_GE(share.get<double>(), 0.0);
    EXPECT_LE(share.get<double>(), 1.0);
    found |= share.get<double>() == b["outside_matmul_attention_share"].get<double>();
  }
  EXPECT_TRUE(found) << b.dump();
  EXPECT_GT(j["roofline"]["copy_bandwidth_bytes_per_s"].get<double>(), 0.0);
  EXPECT_GT(j["roofline"]["weight_bytes_per_decode_step"].get<double>(), 0.0);
}

TEST(BenchRolloutTest, SkipRecomputeLeavesOutTheBaseline) {
  auto j = Bench("--skip-recompute");
  ASSERT_TRUE(j.contains("results")) << j.dump();
  const auto& row = j["results"][0];
  EXPECT_GT(row["decode_tokens_per_s"].get<double>(), 0.0);
  EXPECT_FALSE(row.contains("ratio"));
  EXPECT_FALSE(row.contains("recompute_tokens_per_s"));
}

TEST(BenchRolloutTest, BadRepeatsIsAnErrorNamingTheFlag) {
  auto r = testing::RunCommand(testing::BinPath("rlzero") + " bench rollout --repeats 0");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--repeats"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rlzero
