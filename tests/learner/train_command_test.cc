// tests/learner/train_command_test.cc: `rlzero train` as a user runs it, on a
// tiny qwen2 model with a character tokenizer and a math JSONL: resolved
// config, metrics.jsonl, rollouts.sqlite and checkpoints appear; --resume
// continues to --max-steps; unknown config keys fail naming the key; an
// existing run dir without --resume is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/config.h"
#include "policy/model_io.h"
#include "policy/tokenizer/tokenizer.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {
namespace fs = std::filesystem;
using rlzero::testing::BinPath;
using rlzero::testing::RunCommand;

class TrainCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rlz_train_cmd_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "model");
    const std::string alphabet = "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz\\{}";
    ASSERT_TRUE(WriteCharTokenizer((root_ / "model").string(), alphabet, {"<eos>"}).ok());
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
    data << R"({"id": "a", "prompt": "1+1", "answer": "2"})"
         << "\n"
         << R"({"id": "b", "prompt": "2+3", "answer": "5"})"
         << "\n"
         << R"({"id": "c", "prompt": "4-1", "answer": "3"})"
         << "\n";
    std::ofstream cfg(root_ / "train.yaml");
    cfg << "model: {path: " << (root_ / "model").string() << "}\n"
        << "data: {train_file: " << (root_ / "train.jsonl").string()
        << ", template: \"q {prompt} a \"}\n"
        << "rollout: {temperature: 1.0, max_new_tokens: 8}\n"
        << "rewards: [{name: correctness, verifier: math, options: {fallback_last_number: true}}]\n"
        << "trainer: {max_steps: 3, prompts_per_step: 2, group_size: 3, save_every: 1, keep_last: "
           "2}\n"
        << "grpo: {beta: 0.01, loss_aggregation: seq-mean-token-sum-norm, clip_high: 0.28}\n"
        << "optim: {lr: 0.001, warmup_steps: 1, schedule: cosine}\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Train(const std::string& extra) {
    return BinPath("rlzero") + " train --config " + (root_ / "train.yaml").string() +
           " --run-dir " + (root_ / "run").string() + " " + extra;
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

TEST_F(TrainCommandTest, TrainsResumesAndWritesTheRunDir) {
  auto r = RunCommand(Train("--max-steps 2"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("step 2/2"), std::string::npos) << r.err;
  const fs::path run = root_ / "run";
  EXPECT_TRUE(fs::exists(run / "config.resolved.json"));
  EXPECT_TRUE(fs::exists(run / "rollouts.sqlite"));
  EXPECT_EQ(CountLines(run / "metrics.jsonl"), 2);
  EXPECT_TRUE(fs::exists(run / "checkpoints" / "step-2" / "model.safetensors"));
  EXPECT_TRUE(fs::exists(run / "checkpoints" / "step-2" / "tokenizer.json"));
  // The resolved config holds defaults that were not in the file.
  std::ifstream rc(run / "config.resolved.json");
  Json resolved = Json::parse(rc);
  EXPECT_EQ(resolved["grpo"]["advantage"], "grpo");
  EXPECT_EQ(resolved["trainer"]["group_size"], 3);
  EXPECT_EQ(resolved["rollout"]["sampler"], "engine");

  auto again = RunCommand(Train(""));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;

  auto resumed = RunCommand(Train("--resume --set rollout.sampler=naive"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resumed from"), std::string::npos);
  EXPECT_EQ(CountLines(run / "metrics.jsonl"), 3);
  EXPECT_TRUE(fs::exists(run / "checkpoints" / "step-3"));
}

TEST_F(TrainCommandTest, UnknownKeyFailsNamingIt) {
  auto r = RunCommand(Train("--set grpo.clip_hihg=0.3"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("grpo.clip_hihg"), std::string::npos) << r.err;
  auto bad = RunCommand(Train("--set grpo.advantage=ppo"));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("ppo"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace rlzero
