// tests/learner/distributed/dp_equivalence_test.cc: the acceptance
// test. Two real processes of dp_train_helper (RANK=0/1, WORLD_SIZE=2,
// MASTER_ADDR=127.0.0.1, a free MASTER_PORT) train a tiny llama on their
// shards of a fixed global batch with Gloo gradient all-reduce; a third run
// trains single-process on the whole batch. The reference is the 1-rank run
// (plain full-batch training, no collectives involved): the 2-rank weights
// must match it within float tolerance, and both must differ from the
// initial weights (so the comparison cannot pass by not training). Also: bad
// launcher variables and an unreachable rank 0 fail fast with a Status that
// names the problem. Every child runs under `timeout` so nothing hangs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "policy/safetensors.h"
#include "tests/learner/distributed/free_port.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {
namespace fs = std::filesystem;

const std::string kHelper = DP_TRAIN_HELPER;
// Variables a CI job may carry from its own launcher.
const std::string kCleanEnv =
    "env -u RANK -u WORLD_SIZE -u LOCAL_RANK -u MASTER_ADDR -u MASTER_PORT -u SLURM_PROCID "
    "-u SLURM_NTASKS -u SLURM_LOCALID ";

class DpEquivalenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rlz_dp_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string ReadFile(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // The saved tensors by name as float64, read straight from
  // model.safetensors (F64 or F32; LoadModel rejects a float64 config).
  std::map<std::string, torch::Tensor> Weights(const fs::path& model_dir) {
    std::map<std::string, torch::Tensor> out;
    auto file = SafetensorsFile::Open((model_dir / "model.safetensors").string());
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (!file.ok()) return out;
    for (const StEntry& e : (*file)->entries()) {
      EXPECT_TRUE(e.dtype == StDtype::kF64 || e.dtype == StDtype::kF32) << e.name;
      torch::Tensor t =
          torch::empty(e.shape, e.dtype == StDtype::kF64 ? torch::kFloat64 : torch::kFloat32);
      EXPECT_EQ(static_cast<size_t>(t.nbytes()), e.nbytes) << e.name;
      std::memcpy(t.data_ptr(), e.data, std::min(e.nbytes, static_cast<size_t>(t.nbytes())));
      out[e.name] = t.to(torch::kFloat64);
    }
    return out;
  }

  // Trains 1 rank and 2 ranks in `dtype`; the weights must agree within
  // `tolerance` and have moved away from the initial weights.
  void TrainAndCompare(const std::string& dtype, double tolerance);

  fs::path dir_;
};

void DpEquivalenceTest::TrainAndCompare(const std::string& dtype, double tolerance) {
  const std::string helper = kHelper + " --dtype " + dtype;
  const int port = testing::FreeLoopbackPort();
  ASSERT_GT(port, 0);
  const fs::path one = dir_ / "one_rank", two = dir_ / "two_ranks", init = dir_ / "init";

  auto single = testing::RunCommand(kCleanEnv + "timeout 60 " + helper + " --out " + one.string() +
                                    " --steps 3");
  ASSERT_EQ(single.exit_code, 0) << single.err;
  auto untrained = testing::RunCommand(kCleanEnv + "timeout 60 " + helper + " --out " +
                                       init.string() + " --steps 0 2>/dev/null; true");

  // Both ranks in the background, each with its own log and exit code file.
  std::string script;
  for (int rank = 0; rank < 2; ++rank) {
    const std::string log = (dir_ / ("rank" + std::to_string(rank))).string();
    script += "(" + kCleanEnv + "RANK=" + std::to_string(rank) +
              " WORLD_SIZE=2 LOCAL_RANK=" + std::to_string(rank) +
              " MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " timeout 60 " +
              helper + " --out " + two.string() + " --steps 3 --timeout-ms 20000 > " + log +
              ".out 2> " + log + ".err; echo $? > " + log + ".rc) & ";
  }
  script += "wait";
  testing::RunCommand(script);
  for (int rank = 0; rank < 2; ++rank) {
    const fs::path log = dir_ / ("rank" + std::to_string(rank));
    EXPECT_EQ(ReadFile(log.string() + ".rc"), "0\n") << "rank " << rank << " stderr:\n"
                                                     << ReadFile(log.string() + ".err");
  }
  // Each rank saw the GLOBAL token count, not its shard's.
  const std::string r0 = ReadFile((dir_ / "rank0.out").string());
  const std::string r1 = ReadFile((dir_ / "rank1.out").string());
  const std::string first_single = single.out.substr(0, single.out.find('\n'));
  const auto tokens_of = [](const std::string& s) {
    auto at = s.find("\"global_tokens\": ");
    return at == std::string::npos ? std::string() : s.substr(at, s.find(',', at) - at);
  };
  EXPECT_FALSE(tokens_of(first_single).empty()) << single.out;
  EXPECT_EQ(tokens_of(r0), tokens_of(first_single)) << r0;
  EXPECT_EQ(tokens_of(r1), tokens_of(first_single)) << r1;
  EXPECT_NE(r0.find("\"grad_buckets\": "), std::string::npos);

  auto w1 = Weights(one), w2 = Weights(two);
  ASSERT_FALSE(w1.empty());
  ASSERT_EQ(w1.size(), w2.size());
  double max_diff = 0;
  for (const auto& [name, t] : w1) {
    ASSERT_TRUE(w2.count(name)) << name;
    max_diff = std::max(max_diff, (t - w2[name]).abs().max().item<double>());
  }
  std::cout << dtype << ": max |w(2 ranks) - w(1 rank)| = " << max_diff << "\n";
  EXPECT_LT(max_diff, tolerance) << dtype << ": 2-rank weights differ from 1-rank weights";

  // Training moved the weights well beyond the tolerance (lr 1e-2, 3 steps).
  auto w0 = Weights(init);
  ASSERT_EQ(w0.size(), w1.size()) << untrained.err;
  double moved = 0;
  for (const auto& [name, t] : w1)
    moved = std::max(moved, (t - w0[name]).abs().max().item<double>());
  std::cout << dtype << ": max |w(trained) - w(init)| = " << moved << "\n";
  EXPECT_GT(moved, 1e-3);
}

// float64: the runs differ only by summation order (~1e-16).
TEST_F(DpEquivalenceTest, TwoRanksMatchOneRankOnTheSameGlobalBatch) {
  TrainAndCompare("float64", 1e-9);
}

// float32, the dtype a CPU run trains in: within float tolerance.
TEST_F(DpEquivalenceTest, TwoRanksMatchOneRankInFloat32) { TrainAndCompare("float32", 1e-5); }

TEST_F(DpEquivalenceTest, BadRankVariableIsAClearError) {
  auto r = testing::RunCommand(kCleanEnv +
                               "RANK=abc WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 "
                               "timeout 30 " +
                               kHelper + " --out " + (dir_ / "m").string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("RANK='abc' is not an integer"), std::string::npos) << r.err;

  r = testing::RunCommand(kCleanEnv + "RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 timeout 30 " +
                          kHelper + " --out " + (dir_ / "m").string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("MASTER_PORT is not set"), std::string::npos) << r.err;
}

TEST_F(DpEquivalenceTest, RankWithoutRankZeroFailsWithinTimeout) {
  const int port = testing::FreeLoopbackPort();
  auto r = testing::RunCommand(
      kCleanEnv + "RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) +
      " timeout 30 " + kHelper + " --out " + (dir_ / "m").string() + " --timeout-ms 2000");
  EXPECT_EQ(r.exit_code, 3) << r.err;  // not 124: our own timeout fired, not the shell's
  EXPECT_NE(r.err.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << r.err;
}

TEST_F(DpEquivalenceTest, RankZeroWithoutPeersFailsWithinTimeout) {
  const int port = testing::FreeLoopbackPort();
  auto r = testing::RunCommand(
      kCleanEnv + "RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) +
      " timeout 30 " + kHelper + " --out " + (dir_ / "m").string() + " --timeout-ms 2000");
  EXPECT_EQ(r.exit_code, 3) << r.err;  // rank 0 waits for WORLD_SIZE ranks, then gives up
  EXPECT_NE(r.err.find("rank 0/2"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "m"));
}

}  // namespace
}  // namespace rlzero
