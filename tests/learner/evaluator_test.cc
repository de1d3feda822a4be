// pass@k against hand-computed binomials; Evaluate with a fake sampler and
// scorer counts exactly what it was given.
#include "learner/trainer/evaluator.h"

#include <gtest/gtest.h>

namespace rlzero {
namespace {

TEST(PassAtKTest, MatchesHandComputedBinomials) {
  EXPECT_DOUBLE_EQ(PassAtK(5, 2, 1), 0.4);
  EXPECT_NEAR(PassAtK(5, 2, 2), 1.0 - 3.0 / 10.0, 1e-12);     // 1 - C(3,2)/C(5,2)
  EXPECT_NEAR(PassAtK(10, 3, 4), 1.0 - 35.0 / 210.0, 1e-12);  // 1 - C(7,4)/C(10,4)
  EXPECT_DOUBLE_EQ(PassAtK(5, 0, 3), 0.0);
  EXPECT_DOUBLE_EQ(PassAtK(5, 4, 2), 1.0);  // n - c < k
  EXPECT_DOUBLE_EQ(PassAtK(3, 1, 4), 0.0);  // k > n: undefined, reported as 0
}

// Completion j of prompt i is "correct" when j < i (so prompt i has min(i, n) correct).
class FakeSampler : public RolloutSource {
 public:
  StatusOr<std::vector<SampledCompletion>> Generate(
      const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t) override {
    std::vector<SampledCompletion> out;
    for (const auto& p : prompts) {
      for (int j = 0; j < n; ++j) {
        SampledCompletion c;
        c.token_ids = {p[0], j};
        c.text = std::to_string(j < p[0] ? 1 : 0);
        c.finish_reason = j == 0 ? "length" : "stop";
        out.push_back(c);
      }
    }
    return out;
  }
};

class FakeScorer : public CompletionScorer {
 public:
  StatusOr<CompletionScore> Score(const TaskPrompt&, const SampledCompletion& c) override {
    CompletionScore s;
    s.correct = c.text == "1";
    s.reward = s.correct ? 1.0 : 0.0;
    return s;
  }
};

TEST(EvaluatorTest, CountsCorrectSamplesPerPromptAcrossBatches) {
  std::vector<TaskPrompt> prompts;
  for (int i = 0; i < 5; ++i) prompts.push_back(TaskPrompt{"p" + std::to_string(i), "", {i}, {}});
  FakeSampler sampler;
  FakeScorer scorer;
  auto r = Evaluate(prompts, sampler, scorer, 4, {1, 2, 8}, 0, /*batch_prompts=*/2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->correct_per_prompt, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_NEAR(r->pass_at_k.at(1), (0 + 0.25 + 0.5 + 0.75 + 1.0) / 5, 1e-12);
  EXPECT_NEAR(r->pass_at_k.at(2), (0 + 0.5 + (1 - 1.0 / 6) + 1 + 1) / 5, 1e-12);
  EXPECT_EQ(r->pass_at_k.count(8), 0u);  // k > n is not estimated
  EXPECT_DOUBLE_EQ(r->mean_response_tokens, 2.0);
  EXPECT_DOUBLE_EQ(r->truncated_frac, 0.25);
  EXPECT_DOUBLE_EQ(r->mean_reward, 10.0 / 20.0);
}

}  // namespace
}  // namespace rlzero
