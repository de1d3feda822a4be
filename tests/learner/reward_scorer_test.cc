// RewardScorer, the trainer's adapter over the rewards config: the sample a
// verifier sees carries the completion's generated token count, so DAPO's
// soft overlong penalty (the `length` verifier) works inside `rlzero train`
// (it failed as "missing response_tokens" before), and a dataset field of
// the same name cannot fake the count.
#include "learner/trainer/reward_scorer.h"

#include <gtest/gtest.h>

namespace rlzero {
namespace {

std::unique_ptr<RewardScorer> OverlongScorer() {
  // Lmax = 6, Lcache = 2: no penalty up to 4 tokens, -0.5 at 5, -1 past 6.
  Json config = Json::parse(R"({"rewards": [
      {"name": "overlong", "verifier": "length", "weight": 1.0,
       "options": {"max_length": 6, "cache_length": 2}}]})");
  ConfigReader reader(config, "config");
  auto rc = rewards::RewardsConfig::FromConfig(reader);
  EXPECT_TRUE(rc.ok()) << rc.status().ToString();
  auto s = RewardScorer::Create(*rc);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

SampledCompletion WithTokens(int n) {
  SampledCompletion c;
  for (int i = 0; i < n; ++i) c.token_ids.push_back(i);
  c.text = std::string(static_cast<size_t>(n), 'x');
  return c;
}

TEST(RewardScorerTest, SoftOverlongPenaltySeesTheGeneratedTokenCount) {
  auto scorer = OverlongScorer();
  TaskPrompt p{"p0", "q", {1}, Json::object()};
  for (const auto& [tokens, want] :
       std::vector<std::pair<int, double>>{{4, 0.0}, {5, -0.5}, {6, -1.0}, {9, -1.0}}) {
    auto s = scorer->Score(p, WithTokens(tokens));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_DOUBLE_EQ(s->components.at("overlong"), want) << tokens << " tokens";
    EXPECT_DOUBLE_EQ(s->reward, want) << tokens << " tokens";
  }
}

TEST(RewardScorerTest, DatasetFieldCannotOverrideTheCount) {
  auto scorer = OverlongScorer();
  TaskPrompt p{"p0", "q", {1}, Json{{"response_tokens", 0}}};
  auto s = scorer->Score(p, WithTokens(9));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_DOUBLE_EQ(s->components.at("overlong"), -1.0);
}

}  // namespace
}  // namespace rlzero
