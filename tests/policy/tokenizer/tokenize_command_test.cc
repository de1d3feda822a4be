// tests/policy/tokenizer/tokenize_command_test.cc: `rlzero tokenize` as a
// real process: JSON lines in and out, decode, line-numbered errors, exit
// codes. Golden ids come from the Qwen3 parity fixture (the reference).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

using rlzero::testing::BinPath;
using rlzero::testing::RunCommand;

std::string Qwen3() { return std::string(RLZERO_TOKENIZER_FIXTURES) + "/qwen3"; }

TEST(TokenizeCommandTest, EncodesJsonLinesInOrder) {
  // From parity_qwen3.jsonl: "Hello, world!" -> [9707, 11, 1879, 0].
  auto r = RunCommand(BinPath("rlzero") + " tokenize --tokenizer " + Qwen3(),
                      "{\"text\": \"Hello, world!\"}\n\n{\"text\": \"<|im_start|>\"}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"ids\":[9707,11,1879,0]}\n{\"ids\":[151644]}\n");
}

TEST(TokenizeCommandTest, DecodesIds) {
  auto r = RunCommand(
      BinPath("rlzero") + " tokenize --decode --tokenizer " + Qwen3() + "/tokenizer.json",
      "{\"ids\": [9707, 11, 1879, 0]}\n{\"ids\": [151644, 9707]}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"text\":\"Hello, world!\"}\n{\"text\":\"<|im_start|>Hello\"}\n");
  auto skip = RunCommand(
      BinPath("rlzero") + " tokenize --decode --skip-special-tokens --tokenizer " + Qwen3(),
      "{\"ids\": [151644, 9707]}\n");
  EXPECT_EQ(skip.out, "{\"text\":\"Hello\"}\n");
}

TEST(TokenizeCommandTest, BadLineNamesItsNumberAndExitsOne) {
  auto r = RunCommand(BinPath("rlzero") + " tokenize --tokenizer " + Qwen3(),
                      "{\"text\": \"a\"}\n{\"txt\": \"b\"}\n{\"text\": \"c\"}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "{\"ids\":[64]}\n");  // the line before the error was written
  auto bad_json = RunCommand(BinPath("rlzero") + " tokenize --tokenizer " + Qwen3(), "{nope\n");
  EXPECT_EQ(bad_json.exit_code, 1);
  EXPECT_NE(bad_json.err.find("line 1: not valid JSON"), std::string::npos) << bad_json.err;
  auto bad_ids = RunCommand(BinPath("rlzero") + " tokenize --decode --tokenizer " + Qwen3(),
                            "{\"ids\": [1, \"x\"]}\n");
  EXPECT_EQ(bad_ids.exit_code, 1);
  EXPECT_NE(bad_ids.err.find("ids[1]"), std::string::npos) << bad_ids.err;
}

TEST(TokenizeCommandTest, MissingTokenizerOrFlagErrors) {
  auto missing = RunCommand(BinPath("rlzero") + " tokenize --tokenizer /nonexistent/tok", "");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/tok"), std::string::npos) << missing.err;
  auto unknown = RunCommand(BinPath("rlzero") + " tokenize --tokenizer x --bogus", "");
  EXPECT_EQ(unknown.exit_code, 2);
  auto help = RunCommand(BinPath("rlzero") + " tokenize --help", "");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--add-special-tokens"), std::string::npos);
}

TEST(TokenizeCommandTest, AddSpecialTokensUsesTheConfig) {
  // DeepSeek-V3's tokenizer_config.json sets add_bos_token: BOS id 0 first.
  auto r = RunCommand(BinPath("rlzero") + " tokenize --add-special-tokens --tokenizer " +
                          std::string(RLZERO_TOKENIZER_FIXTURES) + "/deepseek_v3",
                      "{\"text\": \"Hello\"}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_FALSE(j["ids"].empty());
  EXPECT_EQ(j["ids"][0], 0);
}

}  // namespace
}  // namespace rlzero
