// The "math" verifier adapter over VerifyMath: field handling, options and a
// few hand-checked equivalences (the math verifier's own suite is in math/).
#include "verifiers/math_adapter.h"

#include <gtest/gtest.h>

namespace rlzero::verifiers {
namespace {

StatusOr<VerifyResult> Score(const Json& sample, const Json& options = Json(nullptr)) {
  auto v = MakeVerifier("math", options, VerifierEnv{});
  if (!v.ok()) return v.status();
  return (*v)->Verify(sample, Deadline::In(2000));
}

TEST(MathAdapterTest, RegisteredAndScoresAnswers) {
  auto r = Score(Json{{"response", "so \\boxed{\\frac12}"}, {"answer", "\\frac{1}{2}"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->correct);
  EXPECT_EQ(r->score, 1.0);
  EXPECT_FALSE(r->extracted.empty());
  r = Score(Json{{"response", "<answer>5</answer>"}, {"answer", "6"}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->correct);
  EXPECT_EQ(r->score, 0.0);
  EXPECT_FALSE(r->reason.empty());
  // A numeric gold is accepted.
  r = Score(Json{{"response", "<answer>42</answer>"}, {"answer", 42}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->correct);
}

TEST(MathAdapterTest, FallbackLastNumberIsAnOption) {
  Json s = {{"response", "so the total is 18 dollars"}, {"answer", "18"}};
  auto r = Score(s);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->correct);
  r = Score(s, Json{{"fallback_last_number", true}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->correct);
}

TEST(MathAdapterTest, MalformedSamplesAndOptions) {
  EXPECT_FALSE(Score(Json{{"response", "x"}}).ok());
  EXPECT_FALSE(Score(Json{{"answer", "1"}}).ok());
  EXPECT_FALSE(Score(Json{{"response", "x"}, {"answer", "1"}}, Json{{"timeout_ms", 0}}).ok());
  EXPECT_FALSE(Score(Json{{"response", "x"}, {"answer", "1"}}, Json{{"fallback", true}}).ok());
}

}  // namespace
}  // namespace rlzero::verifiers
