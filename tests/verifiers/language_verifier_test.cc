// Language verifier: word shares counted by hand.
#include "verifiers/language_verifier.h"

#include <gtest/gtest.h>

namespace rlzero::verifiers {
namespace {

TEST(LanguageShareTest, CountsWordsByScript) {
  size_t words = 0;
  EXPECT_DOUBLE_EQ(LanguageShare("the sum is 42.", "en", &words), 1.0);
  EXPECT_EQ(words, 3u);
  // "so" "x" + 2 Han characters (each a word): 2 Latin of 4.
  EXPECT_DOUBLE_EQ(LanguageShare("so x \xE6\x89\x80\xE4\xBB\xA5", "en", &words), 0.5);
  EXPECT_EQ(words, 4u);
  EXPECT_DOUBLE_EQ(LanguageShare("so x \xE6\x89\x80\xE4\xBB\xA5", "zh", &words), 0.5);
  // Japanese: Han + kana both count; Cyrillic word is not Latin.
  EXPECT_DOUBLE_EQ(LanguageShare("\xE6\x97\xA5\xE3\x81\xAE", "ja", &words), 1.0);
  EXPECT_DOUBLE_EQ(LanguageShare("\xD0\xB4\xD0\xB0 yes", "ru", &words), 0.5);
  // Accented Latin stays one word; digits and symbols are not words.
  EXPECT_DOUBLE_EQ(LanguageShare("caf\xC3\xA9 = 3 + 4", "fr", &words), 1.0);
  EXPECT_EQ(words, 1u);
  EXPECT_DOUBLE_EQ(LanguageShare("123 + 456", "en", &words), 0.0);
  EXPECT_EQ(words, 0u);
  EXPECT_LT(LanguageShare("x", "klingon", &words), 0.0);
  // Invalid UTF-8 never crashes and is no word.
  EXPECT_DOUBLE_EQ(LanguageShare(std::string("\xFF\xC3", 2) + "ok", "en", &words), 1.0);
}

TEST(LanguageVerifierTest, ScoresTheChainOfThoughtOnly) {
  auto v = MakeVerifier("language", Json{{"language", "en"}, {"min_share", 0.75}}, VerifierEnv{});
  ASSERT_TRUE(v.ok());
  // The answer (in Chinese) is outside the CoT and does not count.
  auto r = (*v)->Verify(Json{{"response",
                              "<think>a b c \xE6\x89\x80</think><answer>"
                              "\xE6\x89\x80\xE4\xBB\xA5</answer>"}},
                        Deadline::In(100));
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->score, 0.75);
  EXPECT_TRUE(r->correct);
  r = (*v)->Verify(Json{{"response", "<think>a \xE6\x89\x80</think>"}}, Deadline::In(100));
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->score, 0.5);
  EXPECT_FALSE(r->correct);
  r = (*v)->Verify(Json{{"response", "<think>1+1=2</think>"}}, Deadline::In(100));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->correct);
  EXPECT_EQ(r->score, 0.0);
}

TEST(LanguageVerifierTest, ValidatesOptions) {
  EXPECT_FALSE(MakeVerifier("language", Json(nullptr), VerifierEnv{}).ok());
  EXPECT_FALSE(MakeVerifier("language", Json{{"language", "xx"}}, VerifierEnv{}).ok());
  EXPECT_FALSE(
      MakeVerifier("language", Json{{"language", "en"}, {"min_share", 2}}, VerifierEnv{}).ok());
}

}  // namespace
}  // namespace rlzero::verifiers
