// tests/policy/stop_tokens_test.cc: the stop set every sampler uses: config
// ids in order, then the tokenizer's EOS if new, no duplicates, and no
// tokenizer at all.
#include "policy/stop_tokens.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace rlzero {
namespace {
namespace fs = std::filesystem;

std::unique_ptr<Tokenizer> CharTokenizerWithEosAt1() {
  const fs::path dir = fs::temp_directory_path() / ("rlz_stop_tokens_" + std::to_string(getpid()));
  fs::create_directories(dir);
  EXPECT_TRUE(WriteCharTokenizer(dir.string(), "ab", {"<pad>", "<eos>"}).ok());
  auto tok = Tokenizer::Load(dir.string());
  fs::remove_all(dir);
  EXPECT_TRUE(tok.ok()) << tok.status().ToString();
  return std::move(tok).value();
}

TEST(StopTokensTest, ConfigIdsThenTheTokenizersEosWithoutDuplicates) {
  auto tok = CharTokenizerWithEosAt1();
  ASSERT_EQ(tok->eos_id(), 1);
  ModelConfig config;
  config.eos_token_ids = {7, 3};
  EXPECT_EQ(StopTokenIds(config, tok.get()), (std::vector<int32_t>{7, 3, 1}));
  config.eos_token_ids = {1, 7, 7};
  EXPECT_EQ(StopTokenIds(config, tok.get()), (std::vector<int32_t>{1, 7}));
  config.eos_token_ids = {};
  EXPECT_EQ(StopTokenIds(config, tok.get()), (std::vector<int32_t>{1}));
  config.eos_token_ids = {5};
  EXPECT_EQ(StopTokenIds(config, nullptr), (std::vector<int32_t>{5}));
}

}  // namespace
}  // namespace rlzero
