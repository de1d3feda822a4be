// tests/rollout/generate_command_test.cc: `rlzero generate` end to end on a
// tiny model dir written here (BuildModel + SaveModel + a char tokenizer):
// the JSON-lines contract, ordering, stop strings, and agreement with the
// in-process engine on the same model.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "policy/model_config.h"
#include "policy/model_io.h"
#include "policy/tokenizer/tokenizer.h"
#include "rollout/rollout_engine.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

namespace fs = std::filesystem;
using testing::BinPath;
using testing::RunCommand;

class GenerateCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(
        (fs::temp_directory_path() / ("rlz_gen_" + std::to_string(getpid()))).string());
    fs::create_directories(*dir_);
    ASSERT_TRUE(WriteCharTokenizer(*dir_, "abcdefghijklmnopqrstuvwxyz <>/", {"<eos>"}).ok());
    auto tok = Tokenizer::Load(*dir_);
    ASSERT_TRUE(tok.ok()) << tok.status().ToString();
    const int64_t vocab = (*tok)->vocab_size();
    std::string text = R"({"model_type": "qwen3", "vocab_size": )" + std::to_string(vocab) +
                       R"(, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
        "initializer_range": 0.3, "eos_token_id": 0, "tie_word_embeddings": true})";
    auto config = ParseModelConfigText(text, "test");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto model = BuildModel(*config, torch::kCPU, torch::kFloat32, 1);
    ASSERT_TRUE(model.ok());
    ASSERT_TRUE(SaveModel(*dir_, *config, **model).ok());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string Run(const std::string& args, const std::string& input, int* code) {
    auto r =
        RunCommand(BinPath("rlzero") + " generate --model " + *dir_ + " --input - " + args, input);
    *code = r.exit_code;
    if (r.exit_code != 0) return r.err;
    return r.out;
  }
  static std::string* dir_;
};
std::string* GenerateCommandTest::dir_ = nullptr;

std::vector<nlohmann::json> Lines(const std::string& out) {
  std::vector<nlohmann::json> v;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    v.push_back(nlohmann::json::parse(out.substr(start, end - start)));
    start = end + 1;
  }
  return v;
}

TEST_F(GenerateCommandTest, WritesOneOrderedLinePerCompletion) {
  int code = 0;
  std::string out =
      Run("-n 3 --temperature 0.8 --top-p 0.9 --top-k 20 --min-p 0.01 "
          "--max-new-tokens 6 --seed 4",
          "{\"prompt\": \"abc\"}\n\n{\"prompt_ids\": [5, 6, 7, 8]}\n", &code);
  ASSERT_EQ(code, 0) << out;
  auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 6u);
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& j = lines[i];
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(j["prompt_index"], static_cast<int>(i / 3));
    EXPECT_EQ(j["sample_index"], static_cast<int>(i % 3));
    EXPECT_TRUE(j["text"].is_string());
    EXPECT_EQ(j["token_ids"].size(), j["logprobs"].size());
    EXPECT_GE(j["token_ids"].size(), 1u);
    EXPECT_LE(j["token_ids"].size(), 6u);
    const std::string fr = j["finish_reason"];
    EXPECT_TRUE(fr == "stop" || fr == "length");
    for (const auto& lp : j["logprobs"]) EXPECT_LE(lp.get<double>(), 0.0);
  }
  // Same command, same output (bit for bit on CPU).
  int code2 = 0;
  EXPECT_EQ(Run("-n 3 --temperature 0.8 --top-p 0.9 --top-k 20 --min-p 0.01 "
                "--max-new-tokens 6 --seed 4",
                "{\"prompt\": \"abc\"}\n\n{\"prompt_ids\": [5, 6, 7, 8]}\n", &code2),
            out);
}

TEST_F(GenerateCommandTest, GreedyMatchesInProcessEngineAndStopsOnStrings) {
  auto loaded = LoadModel(*dir_, torch::kCPU, torch::kFloat32);
  ASSERT_TRUE(loaded.ok());
  auto tok = Tokenizer::Load(*dir_);
  ASSERT_TRUE(tok.ok());
  const Tokenizer* t = tok->get();
  RolloutEngine engine(loaded->model, RolloutEngineOptions{},
                       [t](const std::vector<int32_t>& ids) { return t->Decode(ids, true); });
  SamplingParams p;
  p.temperature = 0;
  p.max_new_tokens = 12;
  auto ref = engine.Generate({t->Encode("hello")}, p);
  ASSERT_TRUE(ref.ok());
  int code = 0;
  std::string out = Run("--temperature 0 --max-new-tokens 12", "{\"prompt\": \"hello\"}\n", &code);
  ASSERT_EQ(code, 0) << out;
  auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["token_ids"].get<std::vector<int32_t>>(), (*ref)[0].token_ids);
  EXPECT_EQ(lines[0]["text"].get<std::string>(), (*ref)[0].text);
  // A two-character stop string spans two tokens (one char per token); use
  // the first position k whose pair first occurs at k.
  const std::string text = (*ref)[0].text;
  size_t k = 1;
  while (k + 2 <= text.size() && text.find(text.substr(k, 2)) != k) ++k;
  ASSERT_LE(k + 2, text.size()) << "no usable stop string in '" << text << "'";
  const std::string stop = text.substr(k, 2);
  out = Run("--temperature 0 --max-new-tokens 12 --stop '" + stop + "'",
            "{\"prompt\": \"hello\"}\n", &code);
  ASSERT_EQ(code, 0) << out;
  auto j = Lines(out)[0];
  EXPECT_EQ(j["finish_reason"], "stop");
  EXPECT_EQ(j["text"], text.substr(0, k + 2));
  EXPECT_EQ(j["token_ids"].size(), k + 2);
  std::fprintf(stderr, "example line: %s\n", j.dump().c_str());
}

// The GPU paths' switches (static decode step, sampling as tensor ops)
// also run on CPU, and change no byte of the output there.
TEST_F(GenerateCommandTest, CudaGraphAndDeviceSamplingSwitchesKeepTheOutput) {
  const std::string args = "-n 4 --temperature 0.9 --top-p 0.95 --max-new-tokens 10 --seed 2 ";
  const std::string input = "{\"prompt\": \"abc\"}\n{\"prompt\": \"hello world\"}\n";
  int code = 0;
  const std::string plain = Run(args + "--cuda-graphs off --device-sampling off", input, &code);
  ASSERT_EQ(code, 0) << plain;
  EXPECT_EQ(Lines(plain).size(), 8u);
  EXPECT_EQ(Run(args + "--cuda-graphs on --device-sampling on", input, &code), plain);
  EXPECT_EQ(code, 0);
  const std::string err = Run(args + "--device-sampling gpu", input, &code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.find("--device-sampling"), std::string::npos) << err;
}

TEST_F(GenerateCommandTest, BadInputIsReportedWithLineAndExit1) {
  int code = 0;
  std::string err = Run("", "{\"prompt_ids\": [1]}\n{\"nope\": 1}\n", &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
  err = Run("--top-p 0", "{\"prompt_ids\": [1]}\n", &code);
  EXPECT_EQ(code, 1);
  EXPECT_NE(err.find("top_p"), std::string::npos) << err;
  err = Run("--no-such-flag", "", &code);
  EXPECT_EQ(code, 2);
}

}  // namespace
}  // namespace rlzero
