// tests/rollout/rollout_engine_test.cc: the engine against full recompute of
// the same model without a cache (the independent reference), on the tiny
// attention model of tiny_attention_lm.h.
#include "rollout/rollout_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "tests/rollout/tiny_attention_lm.h"

namespace rlzero {
namespace {

using testing::TinyAttentionLm;
using testing::TinyLmConfig;

std::shared_ptr<TinyAttentionLm> MakeModel(uint64_t seed = 7) {
  TinyLmConfig c;
  c.seed = seed;
  return std::make_shared<TinyAttentionLm>(c);
}

// Logits of every position of `seq` by a full forward without cache: [L, V].
torch::Tensor FullLogits(CausalLM& m, const std::vector<int32_t>& seq) {
  torch::NoGradGuard g;
  const int64_t L = static_cast<int64_t>(seq.size());
  auto ids =
      torch::tensor(std::vector<int64_t>(seq.begin(), seq.end()), torch::kInt64).view({1, L});
  auto pos = torch::arange(L, torch::kInt64).view({1, L});
  return m.Logits(m.Forward(ids, pos, torch::Tensor(), nullptr))[0];
}

std::vector<int32_t> Concat(std::vector<int32_t> a, const std::vector<int32_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::vector<int32_t>> Prompts() {
  return {{1, 2, 3},
          {5, 9, 11, 2, 2, 30, 17},
          {4},
          {8, 1, 0, 39, 22, 13, 7, 7, 2, 5, 6, 18},
          {20, 21, 3, 3, 9}};
}

// Two printable characters per token, all distinct: "Aa", "Ba", ...
std::string Piece(int32_t id) {
  return {static_cast<char>('A' + id % 20), static_cast<char>('a' + id / 20)};
}
std::string DecodePieces(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += Piece(id);
  return s;
}

TEST(RolloutEngineTest, GreedyWithCacheEqualsArgmaxOfFullRecompute) {
  auto model = MakeModel();
  RolloutEngineOptions o;
  o.max_batch = 4;  // 5 prompts x 2 samples: forces refills and held prefixes
  RolloutEngine engine(model, o);
  SamplingParams p;
  p.temperature = 0;
  p.n = 2;
  p.max_new_tokens = 20;
  auto out = engine.Generate(Prompts(), p);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 10u);
  for (const Completion& c : *out) {
    std::vector<int32_t> seq = Prompts()[c.prompt_index];
    std::vector<int32_t> ref;
    for (int t = 0; t < p.max_new_tokens; ++t) {
      int32_t next = static_cast<int32_t>(FullLogits(*model, seq)[-1].argmax().item<int64_t>());
      ref.push_back(next);
      seq.push_back(next);
    }
    EXPECT_EQ(c.token_ids, ref) << "prompt " << c.prompt_index << " sample " << c.sample_index;
    EXPECT_EQ(c.finish_reason, "length");
  }
  // Ordered by prompt, then sample.
  for (size_t i = 0; i < out->size(); ++i) {
    EXPECT_EQ((*out)[i].prompt_index, static_cast<int32_t>(i / 2));
    EXPECT_EQ((*out)[i].sample_index, static_cast<int32_t>(i % 2));
  }
  EXPECT_GT(engine.last_stats().decode_tokens, 0);
}

void ExpectLogprobsMatchRecompute(double temperature, int top_k) {
  auto model = MakeModel(11);
  RolloutEngineOptions o;
  o.max_batch = 6;
  RolloutEngine engine(model, o);
  SamplingParams p;
  p.temperature = temperature;
  p.top_k = top_k;
  p.n = 3;
  p.max_new_tokens = 16;
  p.seed = 5;
  auto out = engine.Generate(Prompts(), p);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const double t_eff = temperature == 0 ? 1.0 : temperature;
  const auto prompts = Prompts();
  for (const Completion& c : *out) {
    const auto& prompt = prompts[c.prompt_index];
    auto logits = FullLogits(*model, Concat(prompt, c.token_ids));
    auto lp = torch::log_softmax(logits.to(torch::kFloat64) / t_eff, -1);
    ASSERT_EQ(c.logprobs.size(), c.token_ids.size());
    for (size_t t = 0; t < c.token_ids.size(); ++t) {
      double ref = lp[static_cast<int64_t>(prompt.size() + t - 1)][c.token_ids[t]].item<double>();
      EXPECT_NEAR(c.logprobs[t], ref, 1e-4) << "prompt " << c.prompt_index << " token " << t;
    }
  }
}

TEST(RolloutEngineTest, LogprobsEqualFullRecomputeAtTemperatureOne) {
  ExpectLogprobsMatchRecompute(1.0, 0);
}
TEST(RolloutEngineTest, LogprobsAreAfterTemperatureBeforeTopK) {
  ExpectLogprobsMatchRecompute(0.7, 5);
}
TEST(RolloutEngineTest, GreedyLogprobsAreUnscaled) { ExpectLogprobsMatchRecompute(0.0, 0); }

TEST(RolloutEngineTest, FirstTokenFrequenciesMatchDistributionChiSquare) {
  auto model = MakeModel(3);
  RolloutEngine engine(model, RolloutEngineOptions{});
  SamplingParams p;
  p.temperature = 1.3;
  p.top_k = 8;
  p.n = 6000;
  p.max_new_tokens = 1;
  p.seed = 2024;
  const std::vector<int32_t> prompt = {6, 2, 9, 14};
  auto out = engine.Generate({prompt}, p);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // Reference: top-8 of softmax(logits / 1.3), renormalised, in long double.
  auto logits = FullLogits(*model, prompt)[-1];
  std::vector<std::pair<long double, int32_t>> v;
  for (int32_t i = 0; i < model->vocab_size(); ++i)
    v.push_back({static_cast<long double>(logits[i].item<float>()) / 1.3L, i});
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first > b.first; });
  v.resize(8);
  long double z = 0;
  for (auto& e : v) z += std::exp(e.first);
  std::map<int32_t, int> counts;
  for (const Completion& c : *out) {
    ASSERT_EQ(c.token_ids.size(), 1u);
    counts[c.token_ids[0]]++;
  }
  double chi2 = 0;
  std::set<int32_t> allowed;
  for (auto& e : v) {
    allowed.insert(e.second);
    double expected = static_cast<double>(std::exp(e.first) / z) * p.n;
    ASSERT_GE(expected, 5.0);
    double d = counts[e.second] - expected;
    chi2 += d * d / expected;
  }
  for (auto& [id, n] : counts) EXPECT_TRUE(allowed.count(id)) << "token " << id << " outside top-k";
  EXPECT_LT(chi2, 24.322);  // chi-square, 7 degrees of freedom, alpha = 0.001
}

TEST(RolloutEngineTest, StopStringSpanningTokensStopsAtTheCompletingToken) {
  auto model = MakeModel();
  SamplingParams greedy;
  greedy.temperature = 0;
  greedy.max_new_tokens = 16;
  const std::vector<int32_t> prompt = {1, 2, 3};
  RolloutEngine plain(model, RolloutEngineOptions{}, DecodePieces);
  auto ref = plain.Generate({prompt}, greedy);
  ASSERT_TRUE(ref.ok());
  const auto& toks = (*ref)[0].token_ids;
  const std::string full = DecodePieces(toks);
  // A stop string made of the last char of token k-1 and the first of token
  // k, whose first occurrence in the text is exactly there.
  int k = -1;
  std::string stop;
  for (int cand = 3; cand < 14; ++cand) {
    std::string s = Piece(toks[cand - 1]).substr(1) + Piece(toks[cand]).substr(0, 1);
    if (full.find(s) == static_cast<size_t>(2 * cand - 1)) {
      k = cand;
      stop = s;
      break;
    }
  }
  ASSERT_GE(k, 0) << "no usable boundary in " << full;
  SamplingParams p = greedy;
  p.stop = {stop, "never-in-text"};
  RolloutEngine engine(model, RolloutEngineOptions{}, DecodePieces);
  auto out = engine.Generate({prompt}, p);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Completion& c = (*out)[0];
  EXPECT_EQ(c.finish_reason, "stop");
  EXPECT_EQ(c.token_ids, std::vector<int32_t>(toks.begin(), toks.begin() + k + 1));
  EXPECT_EQ(c.text, full.substr(0, static_cast<size_t>(2 * k + 1)));
  EXPECT_EQ(c.logprobs.size(), c.token_ids.size());
}

std::vector<Completion> RunWithBatch(std::shared_ptr<TinyAttentionLm> model, int64_t max_batch,
                                     const SamplingParams& p) {
  RolloutEngineOptions o;
  o.max_batch = max_batch;
  o.eos_token_ids = {3, 17};
  RolloutEngine engine(model, o);
  auto out = engine.Generate(Prompts(), p);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::vector<Completion>{};
}

TEST(RolloutEngineTest, BatchRefillDoesNotChangeAnySequence) {
  auto model = MakeModel(5);
  SamplingParams p;
  p.temperature = 1.0;
  p.top_p = 0.95;
  p.n = 3;
  p.max_new_tokens = 24;
  p.seed = 77;
  auto all = RunWithBatch(model, 64, p);
  ASSERT_EQ(all.size(), 15u);
  // The test means something only if sequences end at different times.
  std::set<size_t> lengths;
  int eos_stops = 0;
  for (auto& c : all) {
    lengths.insert(c.token_ids.size());
    eos_stops += c.finish_reason == "stop";
  }
  ASSERT_GE(lengths.size(), 3u);
  ASSERT_GE(eos_stops, 3);
  for (int64_t batch : {1, 2, 4, 7}) {
    auto small = RunWithBatch(model, batch, p);
    ASSERT_EQ(small.size(), all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(small[i].token_ids, all[i].token_ids) << "batch " << batch << " seq " << i;
      EXPECT_EQ(small[i].finish_reason, all[i].finish_reason);
      ASSERT_EQ(small[i].logprobs.size(), all[i].logprobs.size());
      for (size_t t = 0; t < all[i].logprobs.size(); ++t)
        EXPECT_NEAR(small[i].logprobs[t], all[i].logprobs[t], 1e-5);
    }
  }
}

TEST(RolloutEngineTest, SameSeedSameOutputBitForBitOtherSeedDiffers) {
  auto model = MakeModel(9);
  SamplingParams p;
  p.temperature = 0.9;
  p.min_p = 0.02;
  p.n = 4;
  p.max_new_tokens = 12;
  p.seed = 1;
  RolloutEngineOptions o;
  o.max_batch = 8;
  RolloutEngine a(model, o), b(model, o);
  auto r1 = a.Generate(Prompts(), p);
  auto r2 = a.Generate(Prompts(), p);  // reused cache
  auto r3 = b.Generate(Prompts(), p);  // fresh engine
  ASSERT_TRUE(r1.ok() && r2.ok() && r3.ok());
  for (size_t i = 0; i < r1->size(); ++i) {
    for (const auto* other : {&*r2, &*r3}) {
      EXPECT_EQ((*other)[i].token_ids, (*r1)[i].token_ids);
      ASSERT_EQ((*other)[i].logprobs.size(), (*r1)[i].logprobs.size());
      EXPECT_EQ(std::memcmp((*other)[i].logprobs.data(), (*r1)[i].logprobs.data(),
                            (*r1)[i].logprobs.size() * sizeof(float)),
                0);
    }
  }
  // Samples of one prompt differ from each other, and another seed changes things.
  EXPECT_NE((*r1)[0].token_ids, (*r1)[1].token_ids);
  p.seed = 2;
  auto r4 = a.Generate(Prompts(), p);
  ASSERT_TRUE(r4.ok());
  int same = 0;
  for (size_t i = 0; i < r1->size(); ++i) same += (*r4)[i].token_ids == (*r1)[i].token_ids;
  EXPECT_LT(same, static_cast<int>(r1->size()) / 2);
}

TEST(RolloutEngineTest, EosEndsSequenceAndIsKept) {
  auto model = MakeModel();
  SamplingParams greedy;
  greedy.temperature = 0;
  greedy.max_new_tokens = 10;
  RolloutEngine plain(model, RolloutEngineOptions{});
  auto ref = plain.Generate({{1, 2, 3}}, greedy);
  ASSERT_TRUE(ref.ok());
  const int32_t eos = (*ref)[0].token_ids[4];
  size_t first = std::find((*ref)[0].token_ids.begin(), (*ref)[0].token_ids.end(), eos) -
                 (*ref)[0].token_ids.begin();
  RolloutEngineOptions o;
  o.eos_token_ids = {eos};
  RolloutEngine engine(model, o);
  auto out = engine.Generate({{1, 2, 3}}, greedy);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].finish_reason, "stop");
  EXPECT_EQ((*out)[0].token_ids.size(), first + 1);
  EXPECT_EQ((*out)[0].token_ids.back(), eos);
}

TEST(RolloutEngineTest, ReadsTheModelsCurrentWeights) {
  auto model = MakeModel();
  RolloutEngine engine(model, RolloutEngineOptions{});
  SamplingParams greedy;
  greedy.temperature = 0;
  greedy.max_new_tokens = 3;
  auto before = engine.Generate({{1, 2}}, greedy);
  ASSERT_TRUE(before.ok());
  {
    // An in-place update as a learner would make: a zero output head makes
    // every logit 0, so greedy must pick token 0 (ties go to the lowest id).
    torch::NoGradGuard g;
    model->named_parameters()["out"].zero_();
  }
  auto after = engine.Generate({{1, 2}}, greedy);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)[0].token_ids, (std::vector<int32_t>{0, 0, 0}));
  EXPECT_NE((*before)[0].token_ids, (*after)[0].token_ids);
  EXPECT_NEAR((*after)[0].logprobs[0], -std::log(40.0), 1e-5);
}

TEST(RolloutEngineTest, BadInputsAreStatuses) {
  auto model = MakeModel();
  RolloutEngine engine(model, RolloutEngineOptions{});
  SamplingParams p;
  auto r = engine.Generate({{1, 2}, {40}}, p);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("prompt 1"), std::string::npos);
  EXPECT_FALSE(engine.Generate({{}}, p).ok());
  p.stop = {"x"};
  EXPECT_EQ(engine.Generate({{1}}, p).status().code(), StatusCode::kInvalidArgument);
  p.stop.clear();
  p.top_p = 2;
  EXPECT_FALSE(engine.Generate({{1}}, p).ok());
  RolloutEngineOptions o;
  o.max_len = 4;
  RolloutEngine small(model, o);
  SamplingParams q;
  q.max_new_tokens = 8;
  EXPECT_FALSE(small.Generate({{1, 2}}, q).ok());
  EXPECT_TRUE(engine.Generate({}, q).ok());
}

}  // namespace
}  // namespace rlzero
