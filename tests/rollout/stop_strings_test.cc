// tests/rollout/stop_strings_test.cc: stop strings matched on decoded text,
// including strings that span token boundaries, with a fake vocabulary.
#include "rollout/stop_strings.h"

#include <gtest/gtest.h>

namespace rlzero {
namespace {

// Token i decodes to kPieces[i]; id 5 is "special" (decodes to nothing).
const std::vector<std::string> kPieces = {"</", "ans", "wer>", "x", "hello world", ""};

std::string Decode(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += kPieces[static_cast<size_t>(id)];
  return s;
}

TEST(StopStringMatcherTest, StopsOnlyWhenTheSpanningStringCompletes) {
  StopStringMatcher m({"</answer>"}, Decode);
  std::vector<int32_t> w;
  EXPECT_FALSE(m.Matches({3, 0}, &w));
  EXPECT_FALSE(m.Matches({3, 0, 1}, &w));
  EXPECT_TRUE(m.Matches({3, 0, 1, 2}, &w));
}

TEST(StopStringMatcherTest, SeesThroughLongTokensAndEmptyTokens) {
  // "world</answer>" where many empty tokens sit in between: the window must
  // grow until it holds enough text.
  StopStringMatcher m({"d</ans"}, Decode);
  std::vector<int32_t> w;
  std::vector<int32_t> toks = {3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 0};
  EXPECT_FALSE(m.Matches(toks, &w));
  toks.push_back(1);
  EXPECT_TRUE(m.Matches(toks, &w));
}

TEST(StopStringMatcherTest, StopInsideOneToken) {
  StopStringMatcher m({"lo w"}, Decode);
  std::vector<int32_t> w;
  EXPECT_TRUE(m.Matches({3, 4}, &w));
}

TEST(StopStringMatcherTest, CutKeepsTheEarliestStop) {
  StopStringMatcher m({"wer>", "s"}, Decode);
  EXPECT_EQ(m.CutPosition("</answer> tail"), 5u);  // "s" ends at 5, before "wer>" ends at 9
  EXPECT_EQ(m.CutPosition("nothing here"), std::string::npos);
}

}  // namespace
}  // namespace rlzero
