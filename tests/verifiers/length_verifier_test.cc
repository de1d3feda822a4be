// Length verifier: DAPO's soft overlong penalty, values computed by hand from
// the paper's formula with Lmax = 20480, Lcache = 4096 (DAPO's settings).
#include "verifiers/length_verifier.h"

#include <gtest/gtest.h>

namespace rlzero::verifiers {
namespace {

TEST(LengthVerifierTest, PenaltyMatchesDapoFormula) {
  EXPECT_DOUBLE_EQ(OverlongPenalty(0, 20480, 4096), 0.0);
  EXPECT_DOUBLE_EQ(OverlongPenalty(16384, 20480, 4096), 0.0);
  EXPECT_DOUBLE_EQ(OverlongPenalty(16385, 20480, 4096), -1.0 / 4096);
  EXPECT_DOUBLE_EQ(OverlongPenalty(18432, 20480, 4096), -0.5);
  EXPECT_DOUBLE_EQ(OverlongPenalty(20480, 20480, 4096), -1.0);
  EXPECT_DOUBLE_EQ(OverlongPenalty(20481, 20480, 4096), -1.0);
  EXPECT_DOUBLE_EQ(OverlongPenalty(100, 100, 0), 0.0);
  EXPECT_DOUBLE_EQ(OverlongPenalty(101, 100, 0), -1.0);
}

TEST(LengthVerifierTest, ReadsTheTokenCountField) {
  auto v = MakeVerifier("length", Json{{"max_length", 100}, {"cache_length", 20}}, VerifierEnv{});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  auto r = (*v)->Verify(Json{{"response", "x"}, {"response_tokens", 90}}, Deadline::In(100));
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->score, -0.5);
  EXPECT_FALSE(r->correct);
  EXPECT_EQ(r->extracted, "90");
  r = (*v)->Verify(Json{{"response", "x"}, {"response_tokens", 80}}, Deadline::In(100));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->correct);
  EXPECT_EQ(r->score, 0.0);
  EXPECT_FALSE((*v)->Verify(Json{{"response", "x"}}, Deadline::In(100)).ok());
  EXPECT_FALSE((*v)->Verify(Json{{"response_tokens", -1}}, Deadline::In(100)).ok());
}

TEST(LengthVerifierTest, ValidatesOptions) {
  EXPECT_FALSE(MakeVerifier("length", Json(nullptr), VerifierEnv{}).ok());
  EXPECT_FALSE(
      MakeVerifier("length", Json{{"max_length", 10}, {"cache_length", 10}}, VerifierEnv{}).ok());
  EXPECT_FALSE(MakeVerifier("length", Json{{"max_length", 0}}, VerifierEnv{}).ok());
  auto v = MakeVerifier("length", Json{{"max_length", 10}, {"length_field", "n"}}, VerifierEnv{});
  ASSERT_TRUE(v.ok());
  auto r = (*v)->Verify(Json{{"n", 11}}, Deadline::In(100));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->score, -1.0);
}

}  // namespace
}  // namespace rlzero::verifiers
