// tests/verifiers/math/answer_extractor_test.cc: extraction order and brace
// matching of answer_extractor.h.
#include "verifiers/math/answer_extractor.h"

#include <gtest/gtest.h>

namespace rlzero::verifiers::math {
namespace {

TEST(AnswerExtractorTest, PrefersAnswerTag) {
  EXPECT_EQ(ExtractAnswer("<think>\\boxed{1}</think> <answer> 42 </answer>", false), " 42 ");
  EXPECT_EQ(ExtractAnswer("<answer>1</answer><answer>2</answer>", false), "2");
  EXPECT_EQ(ExtractAnswer("<answer>so \\boxed{7}.</answer>", false), "7");
}

TEST(AnswerExtractorTest, LastBoxedWithNestedBraces) {
  EXPECT_EQ(ExtractAnswer("\\boxed{\\frac{1}{2}}", false), "\\frac{1}{2}");
  EXPECT_EQ(ExtractAnswer("a \\boxed{1} b \\boxed{\\{1,2\\}} c", false), "\\{1,2\\}");
  EXPECT_EQ(ExtractAnswer("\\fbox{x^{2}}", false), "x^{2}");
  EXPECT_EQ(ExtractAnswer("\\boxed 5$", false), "5");
  // A truncated last box falls back to the previous complete one.
  EXPECT_EQ(ExtractAnswer("\\boxed{3} then \\boxed{\\frac{1}{", false), "3");
}

TEST(AnswerExtractorTest, UnclosedAnswerTagFallsBackToBoxed) {
  EXPECT_EQ(ExtractAnswer("<answer> \\boxed{9}", false), "9");
}

TEST(AnswerExtractorTest, LastNumberOnlyWhenAsked) {
  EXPECT_FALSE(ExtractAnswer("it is 72.", false).has_value());
  EXPECT_EQ(ExtractAnswer("it is 72.", true), "72");
  EXPECT_EQ(ExtractAnswer("total: -1,234.50 dollars", true), "-1,234.50");
  EXPECT_EQ(ExtractAnswer("3 apples and 4 pears", true), "4");
  EXPECT_FALSE(ExtractAnswer("no digits here", true).has_value());
}

TEST(AnswerExtractorTest, NothingFound) {
  EXPECT_FALSE(ExtractAnswer("", false).has_value());
  EXPECT_FALSE(ExtractAnswer("\\boxed{never closed", false).has_value());
}

}  // namespace
}  // namespace rlzero::verifiers::math
