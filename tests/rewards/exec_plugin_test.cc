// ExecPlugin end to end with small shell / python plugins: batches, order,
// deadlines, garbage, and restart after the plugin dies.
#include "rewards/exec_plugin.h"

#include <gtest/gtest.h>

#include <fstream>

#include "rewards/reward_function.h"

namespace rlzero::rewards {
namespace {

using verifiers::Deadline;

std::string Python() {
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

std::string ExamplePlugin() {
  return Python() + " " + RLZERO_SOURCE_DIR "/examples/plugins/exec_plugin.py";
}

TEST(ExecPluginTest, ScoresABatchInOrderWithOneProcess) {
  ExecPlugin plugin(ExamplePlugin(), "brevity", Json{{"max_words", 4}});
  std::vector<Json> samples = {Json{{"response", "a"}}, Json{{"response", "a b c d e"}},
                               Json{{"response", "a b"}}};
  auto out = plugin.VerifyBatch(samples, Deadline::In(20000));
  ASSERT_EQ(out.size(), 3u);
  ASSERT_TRUE(out[0].ok()) << out[0].status().ToString();
  EXPECT_DOUBLE_EQ(out[0]->score, 0.75);  // 1 - 1/4
  EXPECT_TRUE(out[0]->correct);
  ASSERT_TRUE(out[1].ok());
  EXPECT_DOUBLE_EQ(out[1]->score, 0.0);
  EXPECT_FALSE(out[1]->correct);
  EXPECT_EQ(out[1]->extracted, "5");
  ASSERT_TRUE(out[2].ok());
  EXPECT_DOUBLE_EQ(out[2]->score, 0.5);
  // Kept alive: a second batch reuses the process.
  auto again = plugin.Verify(Json{{"response", "a b c"}}, Deadline::In(20000));
  ASSERT_TRUE(again.ok());
  EXPECT_DOUBLE_EQ(again->score, 0.25);
  EXPECT_EQ(plugin.starts(), 1);
}

TEST(ExecPluginTest, LargeBatchDoesNotDeadlock) {
  ExecPlugin plugin(ExamplePlugin(), "brevity");
  std::vector<Json> samples(2000, Json{{"response", std::string(2000, 'x')}});
  auto out = plugin.VerifyBatch(samples, Deadline::In(60000));
  ASSERT_EQ(out.size(), samples.size());
  for (const auto& r : out) ASSERT_TRUE(r.ok()) << r.status().ToString();
}

TEST(ExecPluginTest, ShellPluginAndPerSampleErrors) {
  // A shell plugin: answers score 1 for odd lines, an error for even ones.
  std::string cmd =
      "n=0; while read -r line; do n=$((n+1)); "
      "if [ $((n % 2)) -eq 1 ]; then echo '{\"score\": 1, \"correct\": true}'; "
      "else echo '{\"score\": 0, \"error\": \"cannot score\"}'; fi; done";
  ExecPlugin plugin(cmd, "t");
  auto out =
      plugin.VerifyBatch({Json{{"response", "a"}}, Json{{"response", "b"}}}, Deadline::In(10000));
  ASSERT_EQ(out.size(), 2u);
  ASSERT_TRUE(out[0].ok());
  EXPECT_TRUE(out[0]->correct);
  ASSERT_FALSE(out[1].ok());
  EXPECT_NE(out[1].status().message().find("cannot score"), std::string::npos);
}

TEST(ExecPluginTest, HangingPluginHitsTheDeadlineAndIsRestarted) {
  ExecPlugin plugin("read line; sleep 30", "t");
  auto start = std::chrono::steady_clock::now();
  auto out = plugin.VerifyBatch({Json{{"response", "a"}}}, Deadline::In(300));
  ASSERT_FALSE(out[0].ok());
  EXPECT_EQ(out[0].status().code(), StatusCode::kDeadlineExceeded);
  // Bounded: well under the plugin's 30 s sleep (loose bound, not a timing test).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  out = plugin.VerifyBatch({Json{{"response", "a"}}}, Deadline::In(300));
  EXPECT_FALSE(out[0].ok());
  EXPECT_EQ(plugin.starts(), 2);
}

TEST(ExecPluginTest, DyingPluginFailsTheRestAndIsRestarted) {
  // Answers one line, then exits.
  ExecPlugin plugin("read line; echo '{\"score\": 0.5}'", "t");
  auto out =
      plugin.VerifyBatch({Json{{"response", "a"}}, Json{{"response", "b"}}}, Deadline::In(10000));
  ASSERT_TRUE(out[0].ok());
  EXPECT_DOUBLE_EQ(out[0]->score, 0.5);
  ASSERT_FALSE(out[1].ok());
  EXPECT_EQ(out[1].status().code(), StatusCode::kUnavailable);
  auto next = plugin.Verify(Json{{"response", "c"}}, Deadline::In(10000));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(plugin.starts(), 2);
}

TEST(ExecPluginTest, GarbageAndWrongIdsAreDataLoss) {
  ExecPlugin garbage("while read -r l; do echo 'not json'; done", "t");
  auto out = garbage.Verify(Json{{"response", "a"}}, Deadline::In(10000));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kDataLoss);
  ExecPlugin wrong_id("while read -r l; do echo '{\"id\": 999, \"score\": 1}'; done", "t");
  out = wrong_id.Verify(Json{{"response", "a"}}, Deadline::In(10000));
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("id 999"), std::string::npos);
  ExecPlugin no_score("while read -r l; do echo '{\"correct\": true}'; done", "t");
  EXPECT_FALSE(no_score.Verify(Json{{"response", "a"}}, Deadline::In(10000)).ok());
  ExecPlugin missing("/nonexistent/plugin", "t");
  EXPECT_FALSE(missing.Verify(Json{{"response", "a"}}, Deadline::In(10000)).ok());
}

TEST(ExecPluginTest, AsARewardComponentFromConfig) {
  std::string yaml = "rewards:\n  - {name: brevity, exec: '" + ExamplePlugin() +
                     "', weight: 2.0, options: {max_words: 10}}\n";
  auto root = ParseYaml(yaml, "t.yaml");
  ASSERT_TRUE(root.ok());
  ConfigReader reader(*root, "t.yaml");
  auto cfg = RewardsConfig::FromConfig(reader);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_TRUE(reader.Finish().ok()) << reader.Finish().ToString();
  auto f = RewardFunction::Create(*cfg->ForTask("x"), verifiers::VerifierEnv{});
  ASSERT_TRUE(f.ok());
  auto rs = (*f)->ScoreBatch({Json{{"response", "one two"}}, Json{{"response", "1 2 3 4 5"}}});
  EXPECT_DOUBLE_EQ(rs[0].total, 2.0 * 0.8);
  EXPECT_DOUBLE_EQ(rs[1].total, 2.0 * 0.5);
}

}  // namespace
}  // namespace rlzero::rewards
