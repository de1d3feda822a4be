// The verifier registry and the answer-tag helpers.
#include <gtest/gtest.h>

#include "verifiers/answer_tags.h"
#include "verifiers/verifier.h"

namespace rlzero::verifiers {
namespace {

TEST(VerifierRegistryTest, BuildsEveryBuiltinByName) {
  std::vector<std::string> names;
  for (const auto& info : BuiltinVerifiers()) names.push_back(info.name);
  for (const char* n : {"countdown", "code", "format", "length", "language", "judge"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_TRUE(MakeVerifier("countdown", Json(nullptr), VerifierEnv{}).ok());
}

TEST(VerifierRegistryTest, UnknownNameListsTheKnownOnes) {
  auto v = MakeVerifier("nope", Json(nullptr), VerifierEnv{});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kNotFound);
  EXPECT_NE(v.status().message().find("countdown"), std::string::npos);
}

TEST(VerifierRegistryTest, CodeNeedsASandbox) {
  auto v = MakeVerifier("code", Json(nullptr), VerifierEnv{});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kFailedPrecondition);
}

TEST(AnswerTagsTest, FindsTheLastPair) {
  EXPECT_EQ(*FindLastTagged("<a>1</a><a>2</a>", "<a>", "</a>"), "2");
  EXPECT_EQ(*FindLastTagged("<a>1<a>2</a>", "<a>", "</a>"), "2");
  EXPECT_EQ(*FindLastTagged("<a>1</a><a>2", "<a>", "</a>"), "1");
  EXPECT_FALSE(FindLastTagged("</a><a>", "<a>", "</a>").has_value());
  EXPECT_EQ(CountOccurrences("aaaa", "aa"), 2u);
  EXPECT_EQ(TrimAscii("  x y \n"), "x y");
}

TEST(DeadlineTest, ReportsRemainingTime) {
  EXPECT_TRUE(Deadline::In(0).Expired());
  EXPECT_EQ(Deadline::In(-5).RemainingMs(), 0);
  EXPECT_GT(Deadline::In(60000).RemainingMs(), 1000);
}

}  // namespace
}  // namespace rlzero::verifiers
