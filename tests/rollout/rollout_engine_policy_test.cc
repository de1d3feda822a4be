// tests/rollout/rollout_engine_policy_test.cc: the engine on the real model
// families of policy/ (tiny random Qwen3 and Llama configs): greedy decoding
// with the cache equals argmax of a full recompute, and the returned
// log-probs equal policy/logprobs.h's TokenLogProbs (the learner's
// computation) on the same tokens, within 1e-4 in float32.
#include <gtest/gtest.h>

#include "policy/logprobs.h"
#include "rollout/rollout_engine.h"
#include "tests/rollout/tiny_policy_model.h"

namespace rlzero {
namespace {

using testing::TinyPolicyModel;

const std::vector<std::vector<int32_t>> kPrompts = {
    {1, 2, 3}, {5, 9, 11, 2, 2, 30, 17}, {4}, {8, 1, 0, 63, 22, 13, 7, 7, 2, 5, 6, 18}};

class PolicyModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PolicyModelTest, GreedyWithCacheEqualsArgmaxOfFullRecompute) {
  auto model = TinyPolicyModel(GetParam());
  RolloutEngineOptions o;
  o.max_batch = 3;
  RolloutEngine engine(model, o);
  SamplingParams p;
  p.temperature = 0;
  p.n = 2;
  p.max_new_tokens = 12;
  auto out = engine.Generate(kPrompts, p);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  torch::NoGradGuard g;
  for (const Completion& c : *out) {
    std::vector<int64_t> seq(kPrompts[c.prompt_index].begin(), kPrompts[c.prompt_index].end());
    std::vector<int32_t> ref;
    for (int t = 0; t < p.max_new_tokens; ++t) {
      const int64_t L = static_cast<int64_t>(seq.size());
      auto ids = torch::tensor(seq, torch::kInt64).view({1, L});
      auto pos = torch::arange(L, torch::kInt64).view({1, L});
      auto logits = model->Logits(model->Forward(ids, pos, torch::Tensor(), nullptr))[0][-1];
      ref.push_back(static_cast<int32_t>(logits.argmax().item<int64_t>()));
      seq.push_back(ref.back());
    }
    EXPECT_EQ(c.token_ids, ref) << "prompt " << c.prompt_index << " sample " << c.sample_index;
  }
}

TEST_P(PolicyModelTest, LogprobsEqualTokenLogProbs) {
  auto model = TinyPolicyModel(GetParam());
  RolloutEngineOptions o;
  o.max_batch = 5;
  RolloutEngine engine(model, o);
  SamplingParams p;
  p.n = 3;
  p.max_new_tokens = 10;
  p.seed = 42;
  auto out = engine.Generate(kPrompts, p);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  torch::NoGradGuard g;
  for (const Completion& c : *out) {
    const auto& prompt = kPrompts[c.prompt_index];
    std::vector<int64_t> seq(prompt.begin(), prompt.end());
    seq.insert(seq.end(), c.token_ids.begin(), c.token_ids.end());
    const int64_t L = static_cast<int64_t>(seq.size());
    auto ids = torch::tensor(seq, torch::kInt64).view({1, L});
    auto start = torch::tensor({static_cast<int64_t>(prompt.size())}, torch::kInt64);
    auto ref = TokenLogProbs(*model, ids, torch::Tensor(), start).logprobs[0];  // [L-1]
    for (size_t t = 0; t < c.token_ids.size(); ++t) {
      EXPECT_NEAR(c.logprobs[t], ref[static_cast<int64_t>(prompt.size() + t - 1)].item<float>(),
                  1e-4)
          << "prompt " << c.prompt_index << " sample " << c.sample_index << " token " << t;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Families, PolicyModelTest, ::testing::Values("qwen3", "llama", "qwen2"));

}  // namespace
}  // namespace rlzero
