// tests/learner/train_data_parallel_test.cc: `rlzero train` launched as two
// data-parallel ranks (two real processes, RANK=0/1 WORLD_SIZE=2, Gloo over
// loopback) trains the same weights as one process on the same global batch.
// Rank 0 samples and scores the batch (the same seeds and weights as the
// 1-rank run, so the same completions), broadcasts it, and each rank trains
// its shard of every mini-batch; the setup uses 2 mini-batches of 3
// sequences (shards of 2 and 1), a KL term to a reference model, and a small
// micro-batch budget, so the global-denominator, gradient all-reduce and
// mini-batch sharding paths all matter. The reference is the 1-rank run; both
// must have moved away from the initial weights. Also: only rank 0 writes the
// run dir, and a bad launcher variable fails naming it. Every child runs
// under `timeout`, so nothing hangs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/learner/distributed/free_port.h"
#include "tests/learner/tiny_train_setup.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {
namespace fs = std::filesystem;
using rlzero::testing::BinPath;
using rlzero::testing::RunCommand;

// Variables a CI job may carry from its own launcher.
const char kCleanEnv[] =
    "env -u RANK -u WORLD_SIZE -u LOCAL_RANK -u MASTER_ADDR -u MASTER_PORT -u SLURM_PROCID "
    "-u SLURM_NTASKS -u SLURM_LOCALID ";

class TrainDataParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rlz_train_dp_" + std::to_string(getpid()));
    fs::remove_all(root_);
    ASSERT_TRUE(rlzero::testing::WriteTinyTrainSetup(
        root_,
        "trainer: {max_steps: 2, prompts_per_step: 2, group_size: 3, seed: 7}\n"
        "grpo: {beta: 0.01, mini_batches: 2, micro_batch_tokens: 24}\n"
        "optim: {lr: 0.001}\n"
        "distributed: {timeout_ms: 240000}\n"));
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Train(const std::string& run) const {
    return "timeout 280 " + BinPath("rlzero") + " train --config " +
           (root_ / "train.yaml").string() + " --run-dir " + (root_ / run).string();
  }
  fs::path root_;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(TrainDataParallelTest, TwoRanksTrainTheSameWeightsAsOne) {
  auto one = RunCommand(kCleanEnv + Train("one"));
  ASSERT_EQ(one.exit_code, 0) << one.err;

  const int port = rlzero::testing::FreeLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string env = std::string(kCleanEnv) +
                          "WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port);
  const fs::path logs = root_ / "logs";
  fs::create_directories(logs);
  const std::string script =
      "(" + env + " RANK=1 " + Train("two") + " >" + (logs / "r1.out").string() + " 2>" +
      (logs / "r1.err").string() + "; echo $? >" + (logs / "r1.rc").string() + ") & " + env +
      " RANK=0 " + Train("two") + " >" + (logs / "r0.out").string() + " 2>" +
      (logs / "r0.err").string() + "; echo $? >" + (logs / "r0.rc").string() + "; wait";
  RunCommand(script);
  ASSERT_EQ(Slurp(logs / "r0.rc"), "0\n") << Slurp(logs / "r0.err");
  ASSERT_EQ(Slurp(logs / "r1.rc"), "0\n") << Slurp(logs / "r1.err");
  EXPECT_NE(Slurp(logs / "r0.err").find("data parallel: rank 0/2"), std::string::npos);
  // Rank 0 alone reports progress; rank 1 prints no resolved config either.
  EXPECT_NE(Slurp(logs / "r0.err").find("step 2/2"), std::string::npos);
  EXPECT_EQ(Slurp(logs / "r1.err").find("step 2/2"), std::string::npos) << Slurp(logs / "r1.err");
  EXPECT_EQ(Slurp(logs / "r1.err").find("resolved config"), std::string::npos);

  const auto initial = rlzero::testing::ReadWeights(root_ / "model");
  const auto w1 = rlzero::testing::ReadWeights(root_ / "one" / "checkpoints" / "step-2");
  const auto w2 = rlzero::testing::ReadWeights(root_ / "two" / "checkpoints" / "step-2");
  ASSERT_FALSE(w1.empty());
  const double moved = rlzero::testing::MaxAbsDifference(initial, w1);
  const double diff = rlzero::testing::MaxAbsDifference(w1, w2);
  std::printf("weights moved by training: %.3g; 2 ranks vs 1: %.3g\n", moved, diff);
  EXPECT_GT(moved, 1e-4);
  EXPECT_LT(diff, 1e-5);

  // Same metrics lines (rank 0's), e.g. the loss and the all-reduced token count.
  std::ifstream m1(root_ / "one" / "metrics.jsonl"), m2(root_ / "two" / "metrics.jsonl");
  std::string l1, l2;
  int lines = 0;
  while (std::getline(m1, l1) && std::getline(m2, l2)) {
    Json a = Json::parse(l1), b = Json::parse(l2);
    EXPECT_NEAR(a["loss"].get<double>(), b["loss"].get<double>(), 1e-5) << lines;
    EXPECT_NEAR(a["grad_norm"].get<double>(), b["grad_norm"].get<double>(), 1e-4) << lines;
    EXPECT_EQ(a["reward/mean"], b["reward/mean"]) << lines;
    ++lines;
  }
  EXPECT_EQ(lines, 2);
}

TEST_F(TrainDataParallelTest, BadLauncherVariableFailsNamingIt) {
  auto r = RunCommand(std::string(kCleanEnv) + "WORLD_SIZE=2 RANK=abc MASTER_ADDR=127.0.0.1 " +
                      "MASTER_PORT=1 " + Train("bad"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("RANK='abc'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rlzero
