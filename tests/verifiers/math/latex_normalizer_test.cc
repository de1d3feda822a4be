// tests/verifiers/math/latex_normalizer_test.cc: each rewrite of
// latex_normalizer.h on its own, expected strings written by hand.
#include "verifiers/math/latex_normalizer.h"

#include <gtest/gtest.h>

namespace rlzero::verifiers::math {
namespace {

TEST(LatexNormalizerTest, DelimitersAndSizing) {
  EXPECT_EQ(NormalizeLatex("$x+1$"), "x+1");
  EXPECT_EQ(NormalizeLatex("\\(x\\)"), "x");
  EXPECT_EQ(NormalizeLatex("\\left( 3, 4 \\right)"), "( 3, 4 )");
  EXPECT_EQ(NormalizeLatex("\\left\\{1\\right\\}"), "\\{1\\}");
  EXPECT_EQ(NormalizeLatex("\\displaystyle\\frac12"), "\\frac12");
}

TEST(LatexNormalizerTest, FractionsAndBinomials) {
  EXPECT_EQ(NormalizeLatex("\\dfrac{1}{2}"), "\\frac{1}{2}");
  EXPECT_EQ(NormalizeLatex("\\tfrac12"), "\\frac12");
  EXPECT_EQ(NormalizeLatex("\\dbinom{5}{2}"), "\\binom{5}{2}");
}

TEST(LatexNormalizerTest, TextUnitsDegreesPercentMoney) {
  EXPECT_EQ(NormalizeLatex("\\text{Evelyn}"), "Evelyn");
  EXPECT_EQ(NormalizeLatex("10\\text{ inches}"), "10");
  EXPECT_EQ(NormalizeLatex("864 \\mbox{ inches}^2"), "864");
  EXPECT_EQ(NormalizeLatex("5 square units"), "5");
  EXPECT_EQ(NormalizeLatex("90^\\circ"), "90");
  EXPECT_EQ(NormalizeLatex("90^{\\circ}"), "90");
  EXPECT_EQ(NormalizeLatex("50\\%"), "50");
  EXPECT_EQ(NormalizeLatex("\\$18.90"), "18.90");
  // Not units: a variable after a space, "\in".
  EXPECT_EQ(NormalizeLatex("x \\in [1,2]"), "x \\in [1,2]");
  EXPECT_EQ(NormalizeLatex("2 x"), "2 x");
}

TEST(LatexNormalizerTest, SpacingCommands) {
  EXPECT_EQ(NormalizeLatex("1\\,000"), "1000");
  EXPECT_EQ(NormalizeLatex("10,\\!080"), "10080");
  EXPECT_EQ(NormalizeLatex("a\\;b"), "ab");
  EXPECT_EQ(NormalizeLatex("x\\quad y"), "x y");
}

TEST(LatexNormalizerTest, ThousandsOnlyForAWholeNumber) {
  EXPECT_EQ(NormalizeLatex("1,000"), "1000");
  EXPECT_EQ(NormalizeLatex("1{,}000"), "1000");
  EXPECT_EQ(NormalizeLatex("-12,345.5"), "-12345.5");
  EXPECT_EQ(NormalizeLatex("1 000 000"), "1000000");
  EXPECT_EQ(NormalizeLatex("(1,000)"), "(1,000)");
  EXPECT_EQ(NormalizeLatex("1,00"), "1,00");
  EXPECT_EQ(NormalizeLatex("1, 000"), "1, 000");
}

TEST(LatexNormalizerTest, TrailingPeriodAndUnicode) {
  EXPECT_EQ(NormalizeLatex("5."), "5");
  EXPECT_EQ(NormalizeLatex(" 5 . "), "5");
  EXPECT_EQ(NormalizeLatex("\u22123"), "-3");
  EXPECT_EQ(NormalizeLatex("2\u00d73"), "2\\times 3");
}

TEST(LatexNormalizerTest, SeparatorWords) {
  EXPECT_EQ(NormalizeLatex("2 \\text{ or } 3"), "2, 3");
  EXPECT_EQ(NormalizeLatex("2 and 3"), "2, 3");
  EXPECT_EQ(NormalizeLatex("\\text{Sandor}"), "Sandor");
}

TEST(LatexNormalizerTest, TextKeyFoldsCaseAndSpace) {
  EXPECT_EQ(TextKey("North East"), "northeast");
}

}  // namespace
}  // namespace rlzero::verifiers::math
