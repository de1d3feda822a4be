// tests/policy/tokenizer/pre_tokenizer_test.cc: Split behaviours, Digits,
// ByteLevel's regex and prefix space. The "the-final--countdown" golden
// values are the examples of Hugging Face tokenizers' SplitDelimiterBehavior
// documentation.
#include "policy/tokenizer/pre_tokenizer.h"

#include <gtest/gtest.h>

namespace rlzero::tokenizer_internal {
namespace {

using nlohmann::json;

std::vector<std::string> Pieces(const json& config, const std::string& text) {
  auto p = PreTokenizer::FromJson(config, "pre");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return {};
  std::vector<std::string_view> views;
  std::deque<std::string> arena;
  EXPECT_TRUE(p.value()->Split(text, &views, &arena).ok());
  return std::vector<std::string>(views.begin(), views.end());
}

json SplitOnDash(const char* behavior) {
  return json{
      {"type", "Split"}, {"pattern", {{"String", "-"}}}, {"behavior", behavior}, {"invert", false}};
}

using V = std::vector<std::string>;

TEST(PreTokenizerTest, SplitBehaviorsMatchTokenizersDocs) {
  const std::string t = "the-final--countdown";
  EXPECT_EQ(Pieces(SplitOnDash("Removed"), t), (V{"the", "final", "countdown"}));
  EXPECT_EQ(Pieces(SplitOnDash("Isolated"), t), (V{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(Pieces(SplitOnDash("MergedWithPrevious"), t), (V{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(Pieces(SplitOnDash("MergedWithNext"), t), (V{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(Pieces(SplitOnDash("Contiguous"), t), (V{"the", "-", "final", "--", "countdown"}));
}

TEST(PreTokenizerTest, RegexSplitUsesUnicodeClasses) {
  json cfg = {{"type", "Split"},
              {"pattern", {{"Regex", "\\p{L}+|\\p{N}"}}},
              {"behavior", "Isolated"},
              {"invert", false}};
  // "héllo" is one \p{L}+ run (é is a letter); the digits split one by one.
  EXPECT_EQ(Pieces(cfg, "h\xC3\xA9llo 42"), (V{"h\xC3\xA9llo", " ", "4", "2"}));
}

TEST(PreTokenizerTest, WhitespaceIsUnicodeWhiteSpace) {
  // Oniguruma's (and Rust's) \s is Unicode White_Space: U+0085 and U+3000
  // are spaces, U+180E (a format character since Unicode 6.3) and U+200B are
  // not.
  json cfg = {{"type", "Split"},
              {"pattern", {{"Regex", "\\s+"}}},
              {"behavior", "Removed"},
              {"invert", false}};
  EXPECT_EQ(Pieces(cfg,
                   "a\xC2\x85"
                   "b\xE3\x80\x80"
                   "c\xE1\xA0\x8E"
                   "d\xE2\x80\x8B"
                   "e"),
            (V{"a", "b",
               "c\xE1\xA0\x8E"
               "d\xE2\x80\x8B"
               "e"}));
  json non_space = {{"type", "Split"},
                    {"pattern", {{"Regex", "[^\\s]+"}}},
                    {"behavior", "Isolated"},
                    {"invert", false}};
  EXPECT_EQ(Pieces(non_space, "x\xE1\xA0\x8Ey z"), (V{"x\xE1\xA0\x8Ey", " ", "z"}));
  EXPECT_EQ(RewriteWhitespaceClasses("[\\]\\s]"),
            "[\\]\\t\\n\\x{0B}\\f\\r \\x{85}\\x{A0}"
            "\\x{1680}\\x{2000}-\\x{200A}\\x{2028}"
            "\\x{2029}\\x{202F}\\x{205F}\\x{3000}]");
}

TEST(PreTokenizerTest, DigitsIndividualOrGrouped) {
  EXPECT_EQ(Pieces(json{{"type", "Digits"}, {"individual_digits", true}}, "a12b"),
            (V{"a", "1", "2", "b"}));
  EXPECT_EQ(Pieces(json{{"type", "Digits"}, {"individual_digits", false}}, "a12b"),
            (V{"a", "12", "b"}));
}

TEST(PreTokenizerTest, ByteLevelRegexAndPrefixSpace) {
  json bl = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
  // GPT-2's pattern; the prefix space makes the first word look like the rest.
  EXPECT_EQ(Pieces(bl, "hello world's 12"), (V{" hello", " world", "'s", " 12"}));
  json no_regex = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}};
  EXPECT_EQ(Pieces(no_regex, "a b"), (V{"a b"}));
  auto p = PreTokenizer::FromJson(no_regex, "pre");
  EXPECT_TRUE(p.value()->byte_level());
}

TEST(PreTokenizerTest, SequenceAppliesStepsInOrder) {
  json seq = {
      {"type", "Sequence"},
      {"pretokenizers", json::array({SplitOnDash("Removed"),
                                     json{{"type", "Digits"}, {"individual_digits", true}}})}};
  EXPECT_EQ(Pieces(seq, "ab-12"), (V{"ab", "1", "2"}));
}

TEST(PreTokenizerTest, BadConfigsAreErrors) {
  auto bad_regex = PreTokenizer::FromJson(
      json{{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}},
      "tok.json: pre_tokenizer");
  ASSERT_FALSE(bad_regex.ok());
  EXPECT_NE(bad_regex.status().message().find("tok.json: pre_tokenizer"), std::string::npos);
  auto unknown = PreTokenizer::FromJson(json{{"type", "Metaspace"}}, "pre");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace rlzero::tokenizer_internal
