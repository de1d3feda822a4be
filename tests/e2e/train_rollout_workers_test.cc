// tests/e2e/train_rollout_workers_test.cc: `rlzero train --rollout-workers 2`
// as a user runs it: the learner starts two `rlzero rollout-worker` processes
// that talk gRPC with a per-run token; one worker is killed with kill -9 after
// step 2; every step still trains on its full planned `groups`, the run exits
// 0, and no worker process survives it. Async (trainer.max_staleness 2) on
// two workers: full groups every step, never staler than 2; Ctrl-C mid-run
// stops learner, producer and workers (exit 130, nothing left). The kill and
// async runs also run with weight_sync.transport collective (Gloo groups).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/config.h"
#include "policy/model_io.h"
#include "policy/tokenizer/tokenizer.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {
namespace fs = std::filesystem;
using rlzero::testing::BinPath;
using rlzero::testing::RunCommand;

class TrainRolloutWorkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rlz_workers_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "model");
    ASSERT_TRUE(
        WriteCharTokenizer((root_ / "model").string(), "0123456789+-*/=() <>abcdeq", {"<eos>"})
            .ok());
    auto tok = Tokenizer::Load((root_ / "model").string());
    ASSERT_TRUE(tok.ok());
    Json cj = {{"model_type", "qwen2"},
               {"vocab_size", (*tok)->vocab_size()},
               {"hidden_size", 32},
               {"intermediate_size", 64},
               {"num_hidden_layers", 1},
               {"num_attention_heads", 2},
               {"num_key_value_heads", 1},
               {"max_position_embeddings", 128},
               {"eos_token_id", *(*tok)->TokenToId("<eos>")}};
    auto config = ParseModelConfig(cj, "tiny");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto model = BuildModel(*config, torch::kCPU, torch::kFloat32, 3);
    ASSERT_TRUE(model.ok());
    SaveOptions so;
    so.copy_files_from = (root_ / "model").string();
    ASSERT_TRUE(SaveModel((root_ / "model").string(), *config, **model, so).ok());
    std::ofstream data(root_ / "train.jsonl");
    for (int i = 0; i < 8; ++i)
      data << "{\"id\": \"p" << i << "\", \"question\": \"" << i << "+1\", \"answer\": \"" << i + 1
           << "\"}\n";
    std::ofstream cfg(root_ / "train.yaml");
    cfg << "model: {path: " << (root_ / "model").string() << "}\n"
        << "data: {train_file: " << (root_ / "train.jsonl").string()
        << ", template: \"q {question} a \"}\n"
        << "rollout: {temperature: 1.0, max_new_tokens: 12}\n"
        << "rewards: [{name: correctness, verifier: math, options: {fallback_last_number: true}}]\n"
        << "trainer: {max_steps: 8, prompts_per_step: 4, group_size: 3}\n"
        << "optim: {lr: 0.001}\n";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

// Runs `rlzero train --rollout-workers 2 <extra>` into root/<name>, kills one
// worker with kill -9 after step 2, and checks every step's groups, the exit
// code, and that no worker survives; returns the learner's stderr.
std::string RunWithOneWorkerKilled(const fs::path& root, const std::string& name,
                                   const std::string& extra) {
  const std::string run = (root / name).string();
  // 16 steps rather than the fixture's 8: on a loaded machine the polling
  // shell once saw the first metrics lines only after all 8 steps were done.
  constexpr int kSteps = 16;
  std::ifstream in(root / "train.yaml");
  std::string cfg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "max_steps: 8";
  cfg.replace(cfg.find(from), from.size(), "max_steps: " + std::to_string(kSteps));
  const fs::path config = root / (name + ".yaml");
  std::ofstream(config) << cfg;
  // The bracket keeps pgrep from matching this script's own command line.
  const std::string workers = "pgrep -f '[r]ollout-worker .*" + run + "/auth_token'";
  const std::string script =
      "R=" + run + "; " + BinPath("rlzero") + " train --config " + config.string() +
      " --run-dir $R --rollout-workers 2 " + extra + " 2> " + run +
      ".err & P=$!; "
      "for i in $(seq 1500); do "
      "  [ -f $R/metrics.jsonl ] && [ $(wc -l < $R/metrics.jsonl) -ge 2 ] && break; sleep 0.1; "
      "done; "
      "echo before_kill=$(wc -l < $R/metrics.jsonl); "
      "W=$(" +
      workers +
      " | head -1); echo killed=$W; kill -9 $W; "
      "wait $P; echo exit=$?; sleep 0.5; echo survivors=$(" +
      workers + " | wc -l)";
  auto r = RunCommand(script);
  std::ifstream err_in(run + ".err");
  std::string err((std::istreambuf_iterator<char>(err_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(r.exit_code, 0) << r.out << err;
  EXPECT_NE(r.out.find("exit=0"), std::string::npos) << r.out << err;
  EXPECT_EQ(r.out.find("killed=\n"), std::string::npos) << "no worker found to kill: " << r.out;
  EXPECT_NE(r.out.find("survivors=0"), std::string::npos) << r.out;
  EXPECT_NE(err.find("2 rollout workers joined"), std::string::npos) << err;
  // The kill landed mid-run, not after the last step.
  auto pos = r.out.find("before_kill=");
  EXPECT_NE(pos, std::string::npos) << r.out;
  if (pos != std::string::npos) EXPECT_LT(std::stoi(r.out.substr(pos + 12)), kSteps) << r.out;

  std::ifstream metrics(fs::path(run) / "metrics.jsonl");
  std::string line;
  int steps = 0;
  while (std::getline(metrics, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    ++steps;
    EXPECT_EQ(j["groups"].get<double>(), 4) << line;
    EXPECT_EQ(j["samples"].get<double>(), 12) << line;
  }
  EXPECT_EQ(steps, kSteps);
  return err;
}

TEST_F(TrainRolloutWorkersTest, KilledWorkerLosesNoGroupsAndNothingSurvives) {
  RunWithOneWorkerKilled(root_, "run", "");
}

// The same with weights broadcast through a c10d Gloo group per worker: the
// killed worker's group fails, its work moves, and its restart joins afresh.
TEST_F(TrainRolloutWorkersTest, CollectiveWeightSyncSurvivesAKilledWorker) {
  const std::string err =
      RunWithOneWorkerKilled(root_, "run_collective", "--set weight_sync.transport=collective");
  // Both workers joined a group (the learner logs each; a restarted worker
  // joins again).
  size_t joins = 0;
  for (size_t at = err.find("joined a gloo weight group"); at != std::string::npos;
       at = err.find("joined a gloo weight group", at + 1))
    ++joins;
  EXPECT_GE(joins, 2u) << err;
}

// train.yaml with trainer.max_staleness set.
std::string AsyncConfig(const fs::path& root, int k) {
  std::ifstream in(root / "train.yaml");
  std::string cfg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "group_size: 3}";
  cfg.replace(cfg.find(from), from.size(),
              "group_size: 3, max_staleness: " + std::to_string(k) + "}");
  const fs::path out = root / "train_async.yaml";
  std::ofstream(out) << cfg;
  return out.string();
}

void ExpectAsyncRunTrainsFullGroupsWithinStaleness(const fs::path& root, const std::string& name,
                                                   const std::string& extra) {
  const std::string run = (root / name).string();
  auto r = RunCommand(BinPath("rlzero") + " train --config " + AsyncConfig(root, 2) +
                      " --run-dir " + run + " --rollout-workers 2 " + extra + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream metrics(fs::path(run) / "metrics.jsonl");
  std::string line;
  int steps = 0;
  double max_staleness_seen = 0;
  while (std::getline(metrics, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    ++steps;
    EXPECT_EQ(j["groups"].get<double>(), 4) << line;
    EXPECT_EQ(j["samples"].get<double>(), 12) << line;
    EXPECT_LE(j["staleness/max"].get<double>(), 2) << line;
    max_staleness_seen = std::max(max_staleness_seen, j["staleness/max"].get<double>());
  }
  EXPECT_EQ(steps, 8);
  EXPECT_GE(max_staleness_seen, 1) << "generation never ran ahead";
}

TEST_F(TrainRolloutWorkersTest, AsyncRunTrainsFullGroupsWithinStaleness) {
  ExpectAsyncRunTrainsFullGroupsWithinStaleness(root_, "run_async", "");
}

// Collective weight sync while workers generate ahead: a version is received
// beside a running generation and swapped in between requests.
TEST_F(TrainRolloutWorkersTest, AsyncRunWithCollectiveWeightSync) {
  ExpectAsyncRunTrainsFullGroupsWithinStaleness(root_, "run_async_collective",
                                                "--set weight_sync.transport=collective");
}

TEST_F(TrainRolloutWorkersTest, AsyncRunStopsCleanlyOnSigint) {
  const std::string run = (root_ / "run_stop").string();
  const std::string workers = "pgrep -f '[r]ollout-worker .*" + run + "/auth_token'";
  const std::string script =
      "R=" + run + "; " + BinPath("rlzero") + " train --config " + AsyncConfig(root_, 2) +
      " --run-dir $R --rollout-workers 2 --max-steps 1000 2> " + root_.string() +
      "/stop.err & P=$!; "
      "for i in $(seq 1500); do "
      "  [ -f $R/metrics.jsonl ] && [ $(wc -l < $R/metrics.jsonl) -ge 2 ] && break; sleep 0.1; "
      "done; kill -INT $P; "
      "for i in $(seq 600); do kill -0 $P 2>/dev/null || break; sleep 0.1; done; "
      "kill -0 $P 2>/dev/null && echo hung && kill -9 $P; "
      "wait $P; echo exit=$?; sleep 0.5; echo survivors=$(" +
      workers + " | wc -l)";
  auto r = RunCommand(script);
  std::ifstream err_in(root_ / "stop.err");
  std::string err((std::istreambuf_iterator<char>(err_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(r.out.find("hung"), std::string::npos) << r.out << err;
  EXPECT_NE(r.out.find("exit=130"), std::string::npos) << r.out << err;
  EXPECT_NE(r.out.find("survivors=0"), std::string::npos) << r.out;
  EXPECT_NE(err.find("stopped after"), std::string::npos) << err;
}

}  // namespace
}  // namespace rlzero
