// tests/e2e/learner_rollout_worker_test.cc: the standalone learner role as a
// user runs it on two machines, here two processes on loopback: `rlzero
// learner --listen ADDR --auth-token-file F` waits; `rlzero rollout-worker
// --learner ADDR --listen :0 --auth-token-file F` starts separately, joins
// it, gets the weights and samples; the learner trains 2 steps, writes its
// run dir and exits 0. Also: a learner whose workers never come fails after
// --wait-workers-s naming the address, and one without a token refuses to
// start. Every child runs under `timeout`, so nothing hangs.
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

class LearnerRolloutWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rlz_learner_role_" + std::to_string(getpid()));
    fs::remove_all(root_);
    ASSERT_TRUE(rlzero::testing::WriteTinyTrainSetup(
        root_,
        "trainer: {max_steps: 2, prompts_per_step: 2, group_size: 3}\noptim: {lr: 0.001}\n"));
    std::ofstream(root_ / "token") << "e2e-learner-token\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Learner(const std::string& listen, const std::string& extra) const {
    return BinPath("rlzero") + " learner --config " + (root_ / "train.yaml").string() +
           " --run-dir " + (root_ / "run").string() + " --listen " + listen + " " + extra;
  }
  fs::path root_;
};

int CountLines(const fs::path& p) {
  std::ifstream in(p);
  int n = 0;
  std::string line;
  while (std::getline(in, line)) n += line.empty() ? 0 : 1;
  return n;
}

TEST_F(LearnerRolloutWorkerTest, WorkerJoinsByAddressAndLearnerTrainsTwoSteps) {
  const int port = rlzero::testing::FreeLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  const std::string token = (root_ / "token").string();
  const std::string script =
      "timeout 200 " + Learner(addr, "--auth-token-file " + token + " --wait-workers-s 120") +
      " >" + (root_ / "learner.out").string() + " 2>" + (root_ / "learner.err").string() +
      " & L=$!; "
      "timeout 200 " +
      BinPath("rlzero") + " rollout-worker --model " + (root_ / "model").string() + " --learner " +
      addr + " --listen 127.0.0.1:0 --auth-token-file " + token + " 2>" +
      (root_ / "worker.err").string() +
      " >/dev/null & W=$!; "
      "wait $L; echo learner_exit=$?; kill $W; wait $W; echo worker_exit=$?";
  auto r = RunCommand(script);
  std::ifstream err_in(root_ / "learner.err");
  const std::string err((std::istreambuf_iterator<char>(err_in)), {});
  std::ifstream out_in(root_ / "learner.out");
  const std::string out((std::istreambuf_iterator<char>(out_in)), {});
  EXPECT_NE(r.out.find("learner_exit=0"), std::string::npos) << r.out << err;
  EXPECT_NE(out.find("\"role\": \"learner\", \"address\": \"" + addr + "\""), std::string::npos)
      << out;
  EXPECT_NE(err.find("1 rollout workers joined"), std::string::npos) << err;
  EXPECT_NE(err.find("step 2/2"), std::string::npos) << err;
  EXPECT_EQ(CountLines(root_ / "run" / "metrics.jsonl"), 2);
  EXPECT_TRUE(fs::exists(root_ / "run" / "checkpoints" / "step-2" / "model.safetensors"));
  EXPECT_TRUE(fs::exists(root_ / "run" / "rollouts.sqlite"));
}

TEST_F(LearnerRolloutWorkerTest, NoWorkerFailsNamingTheAddress) {
  const int port = rlzero::testing::FreeLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  auto r =
      RunCommand("timeout 60 " + Learner(addr, "--auth-token-file " + (root_ / "token").string() +
                                                   " --wait-workers-s 1"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("learner " + addr + ": only 0 of 1 rollout workers registered"),
            std::string::npos)
      << r.err;
}

TEST_F(LearnerRolloutWorkerTest, RefusesToListenWithoutAToken) {
  auto r = RunCommand("timeout 60 " + Learner("127.0.0.1:0", ""));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("token"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rlzero
