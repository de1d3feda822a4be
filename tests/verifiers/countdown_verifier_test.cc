// Countdown verifier: hand-checked golden cases, including reward-hack traps.
#include "verifiers/countdown_verifier.h"

#include <gtest/gtest.h>

namespace rlzero::verifiers {
namespace {

VerifyResult Score(const std::string& response, std::vector<int64_t> numbers, int64_t target) {
  auto v = MakeVerifier("countdown", Json(nullptr), VerifierEnv{});
  EXPECT_TRUE(v.ok());
  Json sample = {{"response", response}, {"numbers", numbers}, {"target", target}};
  auto r = (*v)->Verify(sample, Deadline::In(1000));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : VerifyResult{};
}

TEST(CountdownVerifierTest, AcceptsCorrectEquations) {
  // 44 + 19 + 35 = 98; (95 - 11) / 2 * ... checked by hand.
  EXPECT_TRUE(Score("<think>x</think><answer>44 + 19 + 35</answer>", {44, 19, 35}, 98).correct);
  EXPECT_TRUE(Score("<answer>(95 - 11) / 2 + 1</answer>", {95, 11, 2, 1}, 43).correct);
  EXPECT_TRUE(Score("<answer> 3 * (4 + 5) = 27 </answer>", {3, 4, 5}, 27).correct);
  // Order of numbers does not matter; exact rationals: 8 / (3 - 8/3) = 24.
  EXPECT_TRUE(Score("<answer>8 / (3 - 8 / 3)</answer>", {3, 3, 8, 8}, 24).correct);
  auto r = Score("<answer>1+2</answer>", {2, 1}, 3);
  EXPECT_EQ(r.score, 1.0);
  EXPECT_EQ(r.extracted, "1+2");
}

TEST(CountdownVerifierTest, AcceptsUnicodeMinusAndTimes) {
  EXPECT_TRUE(Score("<answer>(10 \xE2\x88\x92 4) \xC3\x97 7</answer>", {10, 4, 7}, 42).correct);
}

TEST(CountdownVerifierTest, TakesTheLastAnswer) {
  EXPECT_TRUE(Score("<answer>1+1</answer> no wait <answer>2*3</answer>", {2, 3}, 6).correct);
  EXPECT_FALSE(Score("<answer>2*3</answer> no wait <answer>2+3</answer>", {2, 3}, 6).correct);
}

TEST(CountdownVerifierTest, RejectsWrongValue) {
  auto r = Score("<answer>44 + 19 - 35</answer>", {44, 19, 35}, 98);
  EXPECT_FALSE(r.correct);
  EXPECT_EQ(r.score, 0.0);
  EXPECT_NE(r.reason.find("evaluates to 28"), std::string::npos) << r.reason;
}

TEST(CountdownVerifierTest, FloatingPointWouldLieExactDoesNot) {
  // 1/3*3 is exactly 1 in rationals (and must be accepted); 10/3 is not 3.
  EXPECT_TRUE(Score("<answer>1/3*3</answer>", {1, 3, 3}, 1).correct);
  EXPECT_FALSE(Score("<answer>10/3</answer>", {10, 3}, 3).correct);
}

TEST(CountdownVerifierTest, RewardHackTraps) {
  // A number used twice, a number left out, an extra number.
  EXPECT_FALSE(Score("<answer>44 + 44 + 10</answer>", {44, 19, 35}, 98).correct);
  EXPECT_FALSE(Score("<answer>49 * 2</answer>", {49, 2, 7}, 98).correct);
  EXPECT_FALSE(Score("<answer>98</answer>", {44, 19, 35}, 98).correct);
  // Only the target, or "= target" with a wrong left side.
  EXPECT_FALSE(Score("<answer>= 98</answer>", {44, 19, 35}, 98).correct);
  EXPECT_FALSE(Score("<answer>44 + 19 + 34 = 98</answer>", {44, 19, 35}, 98).correct);
  // Right expression, but a suffix claiming another value.
  EXPECT_FALSE(Score("<answer>44 + 19 + 35 = 99</answer>", {44, 19, 35}, 98).correct);
  // Other operators and tokens: power, modulo, decimals, letters, code.
  EXPECT_FALSE(Score("<answer>2**3</answer>", {2, 3}, 8).correct);
  EXPECT_FALSE(Score("<answer>7 % 4 + 5</answer>", {7, 4, 5}, 8).correct);
  EXPECT_FALSE(Score("<answer>2.0 * 3</answer>", {2, 3}, 6).correct);
  EXPECT_FALSE(Score("<answer>int(6)</answer>", {6}, 6).correct);
  EXPECT_FALSE(Score("<answer>x = 2*3</answer>", {2, 3}, 6).correct);
  // Leading zeros, digit concatenation, implicit multiplication.
  EXPECT_FALSE(Score("<answer>03 + 3</answer>", {3, 3}, 6).correct);
  EXPECT_FALSE(Score("<answer>12</answer>", {1, 2}, 12).correct);
  EXPECT_FALSE(Score("<answer>2(3)</answer>", {2, 3}, 6).correct);
  EXPECT_FALSE(Score("<answer>2 3</answer>", {2, 3}, 6).correct);
  // Division by zero, unbalanced parentheses, no answer tag, empty answer.
  EXPECT_FALSE(Score("<answer>6 / (3 - 3)</answer>", {6, 3, 3}, 6).correct);
  EXPECT_FALSE(Score("<answer>(2*3</answer>", {2, 3}, 6).correct);
  EXPECT_FALSE(Score("2*3", {2, 3}, 6).correct);
  EXPECT_FALSE(Score("<answer>  </answer>", {2, 3}, 6).correct);
}

TEST(CountdownVerifierTest, BoundedOnAdversarialInput) {
  std::string deep(100000, '(');
  auto r = Score("<answer>" + deep + "1</answer>", {1}, 1);
  EXPECT_FALSE(r.correct);
  EXPECT_NE(r.reason.find("nested too deeply"), std::string::npos) << r.reason;
  std::string minus(100000, '-');
  EXPECT_FALSE(Score("<answer>" + minus + "1</answer>", {1}, 1).correct);
  // Overflow is reported, never wrapped around into a "right" value.
  std::vector<int64_t> big(8, 999999999999LL);
  std::string eq = "999999999999";
  for (int i = 1; i < 8; ++i) eq += "*999999999999";
  r = Score("<answer>" + eq + "</answer>", big, 1);
  EXPECT_FALSE(r.correct);
  EXPECT_NE(r.reason.find("overflow"), std::string::npos) << r.reason;
  // 1 MB of garbage.
  EXPECT_FALSE(Score("<answer>" + std::string(1 << 20, 'a') + "</answer>", {1}, 1).correct);
}

TEST(CountdownVerifierTest, MalformedSampleIsAnError) {
  auto v = MakeVerifier("countdown", Json(nullptr), VerifierEnv{});
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE((*v)->Verify(Json{{"response", "x"}}, Deadline::In(100)).ok());
  EXPECT_FALSE(
      (*v)->Verify(Json{{"response", "x"}, {"numbers", {1.5}}, {"target", 1}}, Deadline::In(100))
          .ok());
  EXPECT_FALSE((*v)->Verify(Json::array(), Deadline::In(100)).ok());
}

}  // namespace
}  // namespace rlzero::verifiers
