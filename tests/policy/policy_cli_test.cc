// tests/policy/policy_cli_test.cc: `rlzero init`, `rlzero score` and
// `rlzero sft` end to end through the real binary: exit codes, the JSON line
// contracts, the HF layout on disk, loss going down, and the trained model
// reloading.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing::BinPath;
using testing::RunCommand;

const std::string kFixtures = std::string(RLZERO_SOURCE_DIR) + "/tests/fixtures/models";

// The binary, with one LibTorch thread: these models are tiny, and on a
// shared machine extra threads only spin.
std::string Rlz() { return "RLZERO_THREADS=1 " + BinPath("rlzero"); }

std::string TempDir(const std::string& name) {
  std::string d =
      fs::temp_directory_path().string() + "/rlz_cli_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::vector<Json> JsonLines(const std::string& out) {
  std::vector<Json> lines;
  std::istringstream in(out);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) lines.push_back(Json::parse(l));
  return lines;
}

std::string InitTiny(const std::string& dir, const std::string& config, int seed = 1) {
  auto r = RunCommand(Rlz() + " init --config " + config + " --tokenizer " + kFixtures +
                      "/char_tokenizer.json --out " + dir + " --seed " + std::to_string(seed));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(PolicyCliTest, InitWritesHfDirForEachFamily) {
  std::string tmp = TempDir("init");
  for (const char* type : {"llama", "qwen2", "qwen3"}) {
    Json cfg = Json::parse(std::ifstream(kFixtures + "/tiny_llama_config.json"));
    cfg["model_type"] = type;
    if (std::string(type) == "qwen3") cfg["head_dim"] = 16;
    std::string cfg_path = tmp + "/" + type + ".json";
    std::ofstream(cfg_path) << cfg.dump();
    std::string dir = tmp + "/" + type;
    auto lines = JsonLines(InitTiny(dir, cfg_path));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["model_type"], type);
    EXPECT_GT(lines[0]["parameters"].get<int64_t>(), 10000);
    for (const char* f :
         {"config.json", "model.safetensors", "tokenizer.json", "generation_config.json"})
      EXPECT_TRUE(fs::exists(dir + "/" + f)) << type << " " << f;
    Json written = Json::parse(std::ifstream(dir + "/config.json"));
    EXPECT_EQ(written["model_type"], type);
    EXPECT_EQ(written["architectures"].size(), 1u);
  }
  // Same seed, same bytes; another seed, other bytes.
  std::string a = tmp + "/a", b = tmp + "/b", c = tmp + "/c";
  InitTiny(a, kFixtures + "/tiny_llama_config.json", 5);
  InitTiny(b, kFixtures + "/tiny_llama_config.json", 5);
  InitTiny(c, kFixtures + "/tiny_llama_config.json", 6);
  auto bytes = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(a + "/model.safetensors"), bytes(b + "/model.safetensors"));
  EXPECT_NE(bytes(a + "/model.safetensors"), bytes(c + "/model.safetensors"));
  fs::remove_all(tmp);
}

TEST(PolicyCliTest, InitRejectsBadConfig) {
  std::string tmp = TempDir("initbad");
  std::ofstream(tmp + "/c.json") << R"({"model_type":"gpt2","hidden_size":8})";
  auto r = RunCommand(Rlz() + " init --config " + tmp + "/c.json --tokenizer " + kFixtures +
                      "/char_tokenizer.json --out " + tmp + "/m");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("gpt2"), std::string::npos) << r.err;
  auto r2 = RunCommand(Rlz() + " init --config " + tmp + "/c.json");
  EXPECT_EQ(r2.exit_code, 2) << "missing required flags";
  fs::remove_all(tmp);
}

TEST(PolicyCliTest, ScoreIdsInOrderAndBatchInvariant) {
  std::string tmp = TempDir("score");
  InitTiny(tmp + "/m", kFixtures + "/tiny_llama_config.json");
  const std::string input =
      "{\"prompt_ids\": [3, 4, 5], \"completion_ids\": [6, 7]}\n"
      "{\"prompt_ids\": [9], \"completion_ids\": [10, 11, 12, 13, 14]}\n"
      "\n"
      "{\"prompt_ids\": [20, 21], \"completion_ids\": []}\n";
  std::ofstream(tmp + "/in.jsonl") << input;
  auto r8 = RunCommand(Rlz() + " score --model " + tmp + "/m --input " + tmp + "/in.jsonl");
  ASSERT_EQ(r8.exit_code, 0) << r8.err;
  auto r1 = RunCommand(Rlz() + " score --model " + tmp + "/m --input - --batch-size 1", input);
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  auto a = JsonLines(r8.out), b = JsonLines(r1.out);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  std::vector<size_t> lens = {2, 5, 0};
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(a[i]["logprobs"].size(), lens[i]);
    ASSERT_EQ(b[i]["logprobs"].size(), lens[i]);
    for (size_t j = 0; j < lens[i]; ++j) {
      double x = a[i]["logprobs"][j], y = b[i]["logprobs"][j];
      EXPECT_LT(x, 0.0);
      // A near-uniform fresh model: about -log(64).
      EXPECT_NEAR(x, -std::log(64.0), 0.5);
      EXPECT_NEAR(x, y, 1e-5) << "batching must not change scores";
    }
  }
  fs::remove_all(tmp);
}

// Char tokenizer ids (tests/fixtures/models/README.md): 3 + index in the alphabet.
int64_t CharId(char ch) {
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 +-=*/()<>.,:;?!\n";
  return 3 + static_cast<int64_t>(alphabet.find(ch));
}

TEST(PolicyCliTest, ScoreTextEqualsScoreOfItsIds) {
  std::string tmp = TempDir("scoretext");
  InitTiny(tmp + "/m", kFixtures + "/tiny_llama_config.json");
  auto text = RunCommand(Rlz() + " score --model " + tmp + "/m --input -",
                         "{\"prompt\": \"12+7=\", \"completion\": \"19\"}\n");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  Json ids_line = {
      {"prompt_ids", {CharId('1'), CharId('2'), CharId('+'), CharId('7'), CharId('=')}},
      {"completion_ids", {CharId('1'), CharId('9')}}};
  auto ids = RunCommand(Rlz() + " score --model " + tmp + "/m --input -", ids_line.dump() + "\n");
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  auto a = JsonLines(text.out)[0]["logprobs"], b = JsonLines(ids.out)[0]["logprobs"];
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_DOUBLE_EQ(a[i].get<double>(), b[i].get<double>());
  fs::remove_all(tmp);
}

TEST(PolicyCliTest, InitTakesVocabFromTokenizer) {
  std::string tmp = TempDir("initvocab");
  Json cfg = Json::parse(std::ifstream(kFixtures + "/tiny_llama_config.json"));
  cfg.erase("vocab_size");
  std::ofstream(tmp + "/c.json") << cfg.dump();
  InitTiny(tmp + "/m", tmp + "/c.json");
  Json written = Json::parse(std::ifstream(tmp + "/m/config.json"));
  EXPECT_EQ(written["vocab_size"], 56);
  // A vocabulary smaller than the tokenizer's is refused.
  cfg["vocab_size"] = 20;
  std::ofstream(tmp + "/small.json") << cfg.dump();
  auto r = RunCommand(Rlz() + " init --config " + tmp + "/small.json --tokenizer " + kFixtures +
                      "/char_tokenizer.json --out " + tmp + "/small");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("vocab_size 20"), std::string::npos) << r.err;
  fs::remove_all(tmp);
}

TEST(PolicyCliTest, ScoreBadInputNamesTheLine) {
  std::string tmp = TempDir("scorebad");
  InitTiny(tmp + "/m", kFixtures + "/tiny_llama_config.json");
  auto r = RunCommand(Rlz() + " score --model " + tmp + "/m --input -",
                      "{\"prompt_ids\": [1], \"completion_ids\": [2]}\n"
                      "{\"prompt_ids\": [1], \"completion_ids\": [999]}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("stdin:2"), std::string::npos) << r.err;
  auto missing = RunCommand(Rlz() + " score --model " + tmp + "/nope --input -", "");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope"), std::string::npos) << missing.err;
  fs::remove_all(tmp);
}

TEST(PolicyCliTest, SftReducesLossAndTheModelReloads) {
  std::string tmp = TempDir("sft");
  InitTiny(tmp + "/base", kFixtures + "/tiny_llama_config.json");
  // A learnable mapping: prompt [2, a] -> response [a+1, a+2, a+3] (mod 60, +2).
  {
    std::ofstream data(tmp + "/data.jsonl");
    for (int a = 0; a < 24; ++a) {
      Json line = {{"prompt_ids", {2, 2 + a}},
                   {"response_ids", {2 + (a + 1) % 60, 2 + (a + 2) % 60, 2 + (a + 3) % 60}}};
      data << line.dump() << "\n";
    }
  }
  Json cfg = {{"model", tmp + "/base"},
              {"data", tmp + "/data.jsonl"},
              {"run_dir", tmp + "/run"},
              {"max_steps", 60},
              {"batch_size", 8},
              {"grad_accum", 2},
              {"lr", 0.01},
              {"warmup_steps", 5},
              {"save_every", 30},
              {"seed", 3}};
  std::ofstream(tmp + "/sft.json") << cfg.dump();
  auto r = RunCommand(Rlz() + " sft --config " + tmp + "/sft.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto metrics = JsonLines(r.out);
  ASSERT_EQ(metrics.size(), 60u);
  double first = metrics.front()["loss"], last = metrics.back()["loss"];
  EXPECT_NEAR(first, std::log(64.0), 0.5) << "starts near uniform";
  EXPECT_LT(last, 0.5 * first) << r.out;
  EXPECT_EQ(metrics.back()["step"], 60);
  EXPECT_LT(metrics.back()["lr"].get<double>(), 0.01 * 0.2) << "cosine decays towards min_lr";
  EXPECT_NE(r.err.find("ETA"), std::string::npos) << "progress on stderr";
  EXPECT_TRUE(fs::exists(tmp + "/run/checkpoint-30/model.safetensors"));
  EXPECT_TRUE(fs::exists(tmp + "/run/final/tokenizer.json"));
  EXPECT_TRUE(fs::exists(tmp + "/run/config.resolved.json"));
  // The trained model reloads and now prefers the learnt continuation.
  auto s = RunCommand(Rlz() + " score --model " + tmp + "/run/final --input -",
                      "{\"prompt_ids\": [2, 7], \"completion_ids\": [8, 9, 10]}\n");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto lp = JsonLines(s.out)[0]["logprobs"];
  double sum = 0;
  for (const auto& x : lp) sum += x.get<double>();
  EXPECT_GT(sum / 3, -std::log(64.0) / 2) << s.out;
  fs::remove_all(tmp);
}

TEST(PolicyCliTest, SftRejectsUnknownKeys) {
  std::string tmp = TempDir("sftbad");
  std::ofstream(tmp + "/sft.json") << R"({"model":"m","data":"d","run_dir":"r","learning_rate":1})";
  auto r = RunCommand(Rlz() + " sft --config " + tmp + "/sft.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("learning_rate"), std::string::npos) << r.err;
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace rlzero
