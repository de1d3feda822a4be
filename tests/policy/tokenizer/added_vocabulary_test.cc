// tests/policy/tokenizer/added_vocabulary_test.cc: cutting added tokens out
// of text with the lstrip / rstrip / single_word flags and leftmost-longest
// matching. Golden segments worked out by hand from the flags' definitions in
// Hugging Face tokenizers' AddedToken documentation.
#include "policy/tokenizer/added_vocabulary.h"

#include <gtest/gtest.h>

namespace rlzero::tokenizer_internal {
namespace {

using nlohmann::json;

json Token(int id, const char* content, bool lstrip = false, bool rstrip = false,
           bool single_word = false, bool normalized = false) {
  return {{"id", id},         {"content", content},         {"lstrip", lstrip},
          {"rstrip", rstrip}, {"single_word", single_word}, {"normalized", normalized},
          {"special", true}};
}

std::vector<std::pair<std::string, int32_t>> Cut(const AddedVocabulary& v, const std::string& text,
                                                 bool normalized = false) {
  std::vector<Segment> segs;
  v.Split(text, normalized, &segs);
  std::vector<std::pair<std::string, int32_t>> out;
  for (const auto& s : segs) out.emplace_back(std::string(s.text), s.token_id);
  return out;
}

using Segs = std::vector<std::pair<std::string, int32_t>>;

TEST(AddedVocabularyTest, StripFlagsSwallowWhitespace) {
  auto v = AddedVocabulary::FromJson(
      json::array({Token(10, "<x>", true, false), Token(11, "<y>", false, true)}), "added");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Cut(v.value(), "a  <x> b"), (Segs{{"a", -1}, {"  <x>", 10}, {" b", -1}}));
  EXPECT_EQ(Cut(v.value(), "<y>  c"), (Segs{{"<y>  ", 11}, {"c", -1}}));
}

TEST(AddedVocabularyTest, SingleWordOnlyOutsideWords) {
  auto v = AddedVocabulary::FromJson(json::array({Token(12, "ab", false, false, true)}), "added");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Cut(v.value(), "ab cab ab"), (Segs{{"ab", 12}, {" cab ", -1}, {"ab", 12}}));
}

TEST(AddedVocabularyTest, LeftmostLongestMatch) {
  auto v = AddedVocabulary::FromJson(
      json::array({Token(1, "[A]"), Token(2, "[A]B"), Token(3, "A]B")}), "added");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Cut(v.value(), "x[A]By[A]"), (Segs{{"x", -1}, {"[A]B", 2}, {"y", -1}, {"[A]", 1}}));
}

TEST(AddedVocabularyTest, NormalizedTokensMatchOnlyInTheirPass) {
  auto v = AddedVocabulary::FromJson(
      json::array({Token(5, "<n>", false, false, false, true), Token(6, "<r>")}), "added");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v.value().has_normalized());
  EXPECT_EQ(Cut(v.value(), "<n><r>", false), (Segs{{"<n>", -1}, {"<r>", 6}}));
  EXPECT_EQ(Cut(v.value(), "<n><r>", true), (Segs{{"<n>", 5}, {"<r>", -1}}));
}

TEST(AddedVocabularyTest, MalformedEntryIsAnErrorNamingIt) {
  auto v = AddedVocabulary::FromJson(json::array({Token(1, "a"), json{{"id", "x"}}}),
                                     "tok.json: added_tokens");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("tok.json: added_tokens[1]"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::tokenizer_internal
