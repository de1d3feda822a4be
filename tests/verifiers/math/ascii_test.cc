// tests/verifiers/math/ascii_test.cc: the character classes of ascii.h.
#include "verifiers/math/ascii.h"

#include <gtest/gtest.h>

#include <string>

namespace rlzero::verifiers::math {
namespace {

TEST(MathAsciiTest, DigitsAreTheTenAsciiDigits) {
  for (char c = '0'; c <= '9'; ++c) EXPECT_TRUE(IsDigit(c)) << c;
  for (char c : {'/', ':', 'a', ' ', '\0'}) EXPECT_FALSE(IsDigit(c)) << int(c);
}

TEST(MathAsciiTest, LettersAreAsciiLettersOnly) {
  EXPECT_TRUE(IsAlpha('a'));
  EXPECT_TRUE(IsAlpha('Z'));
  for (char c : {'@', '[', '`', '{', '1', '\\'}) EXPECT_FALSE(IsAlpha(c)) << c;
}

TEST(MathAsciiTest, Utf8BytesAreNeitherDigitsNorLetters) {
  for (char c : std::string("\xc3\xa9\xe2\x88\x9a")) {  // "é√"
    EXPECT_FALSE(IsDigit(c));
    EXPECT_FALSE(IsAlpha(c));
  }
}

}  // namespace
}  // namespace rlzero::verifiers::math
