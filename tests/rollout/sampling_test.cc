// tests/rollout/sampling_test.cc: the torch-free sampling pieces. Expected
// values are closed-form or computed here independently (long double, a
// separate sort), never taken from the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "rollout/sampling/sampler_chain.h"
#include "rollout/sampling/sampler_stage.h"
#include "rollout/sampling/seeded_uniform.h"
#include "rollout/sampling_params.h"

namespace rlzero {
namespace {

std::set<int32_t> LiveIds(const Candidates& c) {
  std::set<int32_t> s;
  for (size_t i = 0; i < c.size; ++i) s.insert(c.items[i].id);
  return s;
}

TEST(TopKStageTest, KeepsKLargestSortedWithTiesByLowerId) {
  const float logits[] = {0.5f, 3.0f, 1.0f, 3.0f, -2.0f, 2.0f};
  Candidates c;
  c.Load(logits, 6);
  MakeTopKStage(3)->Apply(c);
  ASSERT_EQ(c.size, 3u);
  EXPECT_EQ(c.items[0].id, 1);  // tie 3.0: lower id first
  EXPECT_EQ(c.items[1].id, 3);
  EXPECT_EQ(c.items[2].id, 5);
  EXPECT_TRUE(c.sorted);
}

TEST(TopKStageTest, KLargerThanVocabKeepsAll) {
  const float logits[] = {0.5f, 3.0f};
  Candidates c;
  c.Load(logits, 2);
  MakeTopKStage(10)->Apply(c);
  EXPECT_EQ(c.size, 2u);
}

TEST(TopPStageTest, KeepsSmallestSetReachingP) {
  // probs 0.5, 0.25, 0.125, 0.125 (logits = log probs).
  const float logits[] = {std::log(0.125f), std::log(0.5f), std::log(0.125f), std::log(0.25f)};
  Candidates c;
  c.Load(logits, 4);
  MakeTopPStage(0.7)->Apply(c);  // 0.5 < 0.7 <= 0.75
  EXPECT_EQ(LiveIds(c), (std::set<int32_t>{1, 3}));
  c.Load(logits, 4);
  MakeTopPStage(0.5)->Apply(c);  // exactly reached by the first token
  EXPECT_EQ(LiveIds(c), (std::set<int32_t>{1}));
  c.Load(logits, 4);
  MakeTopPStage(1.0)->Apply(c);
  EXPECT_EQ(c.size, 4u);
}

TEST(MinPStageTest, KeepsTokensAboveFractionOfMax) {
  // probs relative to max: 1, 0.5, 0.2, 0.05.
  const float logits[] = {0.0f, std::log(0.5f), std::log(0.2f), std::log(0.05f)};
  Candidates c;
  c.Load(logits, 4);
  MakeMinPStage(0.3)->Apply(c);
  EXPECT_EQ(LiveIds(c), (std::set<int32_t>{0, 1}));
  c.Load(logits, 4);
  MakeMinPStage(0.1)->Apply(c);
  EXPECT_EQ(LiveIds(c), (std::set<int32_t>{0, 1, 2}));
}

TEST(TemperatureStageTest, DividesLogits) {
  const float logits[] = {1.0f, -3.0f};
  Candidates c;
  c.Load(logits, 2);
  MakeTemperatureStage(0.5)->Apply(c);
  EXPECT_FLOAT_EQ(c.items[0].logit, 2.0f);
  EXPECT_FLOAT_EQ(c.items[1].logit, -6.0f);
}

TEST(SamplerChainTest, GreedyPicksArgmaxWithUnscaledLogprob) {
  SamplingParams p;
  p.temperature = 0;
  auto chain = SamplerChain::FromParams(p);
  ASSERT_TRUE(chain.ok());
  const float logits[] = {1.0f, 4.0f, 2.0f, 4.0f};
  Candidates c;
  SampledToken t = chain->Sample(logits, 4, 0.99, &c);
  EXPECT_EQ(t.token, 1);
  long double z = std::exp(1.0L) + 2 * std::exp(4.0L) + std::exp(2.0L);
  EXPECT_NEAR(t.logprob, static_cast<double>(4.0L - std::log(z)), 1e-6);
}

TEST(SamplerChainTest, LogprobIsAfterTemperatureBeforeTruncation) {
  SamplingParams p;
  p.temperature = 0.5;
  p.top_k = 1;  // truncation leaves only the argmax, with probability 1
  auto chain = SamplerChain::FromParams(p);
  ASSERT_TRUE(chain.ok());
  const float logits[] = {1.0f, 2.0f, 0.0f};
  Candidates c;
  SampledToken t = chain->Sample(logits, 3, 0.3, &c);
  EXPECT_EQ(t.token, 1);
  long double z = std::exp(2.0L) + std::exp(4.0L) + std::exp(0.0L);
  EXPECT_NEAR(t.logprob, static_cast<double>(4.0L - std::log(z)), 1e-6);
  EXPECT_EQ(chain->StageNames(), (std::vector<std::string>{"temperature", "top_k", "random"}));
}

TEST(SamplerChainTest, InverseCdfBoundaries) {
  SamplingParams p;  // temperature 1, no truncation: id order
  auto chain = SamplerChain::FromParams(p);
  ASSERT_TRUE(chain.ok());
  const float logits[] = {std::log(0.25f), std::log(0.5f), std::log(0.25f)};
  Candidates c;
  EXPECT_EQ(chain->Sample(logits, 3, 0.0, &c).token, 0);
  EXPECT_EQ(chain->Sample(logits, 3, 0.24, &c).token, 0);
  EXPECT_EQ(chain->Sample(logits, 3, 0.26, &c).token, 1);
  EXPECT_EQ(chain->Sample(logits, 3, 0.74, &c).token, 1);
  EXPECT_EQ(chain->Sample(logits, 3, 0.76, &c).token, 2);
  EXPECT_EQ(chain->Sample(logits, 3, 0.999999, &c).token, 2);
}

// Independent reference: temperature, top-k, top-p, min-p in long double.
std::map<int32_t, long double> ReferenceDistribution(const std::vector<float>& logits, double temp,
                                                     int top_k, double top_p, double min_p) {
  std::vector<std::pair<long double, int32_t>> v;
  for (size_t i = 0; i < logits.size(); ++i)
    v.push_back({static_cast<long double>(logits[i]) / temp, static_cast<int32_t>(i)});
  std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first > b.first; });
  if (top_k > 0 && static_cast<size_t>(top_k) < v.size()) v.resize(static_cast<size_t>(top_k));
  long double total = 0;
  for (auto& e : v) total += std::exp(e.first);
  long double cum = 0;
  size_t keep = v.size();
  for (size_t i = 0; i < v.size(); ++i) {
    cum += std::exp(v[i].first) / total;
    if (cum >= top_p) {
      keep = i + 1;
      break;
    }
  }
  v.resize(keep);
  long double maxp = std::exp(v[0].first);
  std::vector<std::pair<long double, int32_t>> w;
  for (auto& e : v)
    if (std::exp(e.first) >= min_p * maxp) w.push_back(e);
  long double z = 0;
  for (auto& e : w) z += std::exp(e.first);
  std::map<int32_t, long double> out;
  for (auto& e : w) out[e.second] = std::exp(e.first) / z;
  return out;
}

// Chi-square goodness of fit at alpha = 0.001 (critical values from tables).
double ChiSquareCritical001(int df) {
  static const double kTable[] = {0,      10.828, 13.816, 16.266, 18.467, 20.515,
                                  22.458, 24.322, 26.124, 27.877, 29.588};
  return kTable[df];
}

struct ChiCase {
  double temp;
  int top_k;
  double top_p;
  double min_p;
};

class SamplerChiSquareTest : public ::testing::TestWithParam<ChiCase> {};

TEST_P(SamplerChiSquareTest, FrequenciesMatchDistribution) {
  const ChiCase cc = GetParam();
  const std::vector<float> logits = {2.0f, 1.5f, 1.0f, 0.2f, -0.5f, -1.0f, 0.7f, 1.2f, -0.1f, 0.4f};
  SamplingParams p;
  p.temperature = cc.temp;
  p.top_k = cc.top_k;
  p.top_p = cc.top_p;
  p.min_p = cc.min_p;
  auto chain = SamplerChain::FromParams(p);
  ASSERT_TRUE(chain.ok());
  auto expected = ReferenceDistribution(logits, cc.temp, cc.top_k, cc.top_p, cc.min_p);
  const int kDraws = 40000;
  std::map<int32_t, int> counts;
  Candidates c;
  for (int j = 0; j < kDraws; ++j) {
    double u = SeededUniform(/*seed=*/1234, /*prompt=*/3, /*sample=*/static_cast<uint64_t>(j), 0);
    counts[chain->Sample(logits.data(), static_cast<int64_t>(logits.size()), u, &c).token]++;
  }
  double chi2 = 0;
  for (auto& [id, n] : counts) ASSERT_TRUE(expected.count(id)) << "sampled truncated token " << id;
  for (auto& [id, prob] : expected) {
    double e = static_cast<double>(prob) * kDraws;
    double d = counts[id] - e;
    chi2 += d * d / e;
  }
  const int df = static_cast<int>(expected.size()) - 1;
  ASSERT_GE(df, 1);
  EXPECT_LT(chi2, ChiSquareCritical001(df)) << "df " << df;
}

INSTANTIATE_TEST_SUITE_P(Chains, SamplerChiSquareTest,
                         ::testing::Values(ChiCase{1.0, 0, 1.0, 0.0}, ChiCase{0.7, 6, 1.0, 0.0},
                                           ChiCase{1.3, 0, 0.8, 0.0}, ChiCase{1.0, 0, 1.0, 0.15},
                                           ChiCase{0.8, 7, 0.9, 0.05}));

TEST(SeededUniformTest, DependsOnlyOnItsInputs) {
  EXPECT_EQ(SeededUniform(1, 2, 3, 4), SeededUniform(1, 2, 3, 4));
  std::set<double> distinct = {SeededUniform(1, 2, 3, 4), SeededUniform(2, 2, 3, 4),
                               SeededUniform(1, 3, 3, 4), SeededUniform(1, 2, 4, 4),
                               SeededUniform(1, 2, 3, 5), SeededUniform(1, 3, 2, 4)};
  EXPECT_EQ(distinct.size(), 6u);
  // Mean and range over many draws (mean of U[0,1) is 1/2, sd of mean ~ 0.0009).
  double sum = 0;
  for (uint64_t i = 0; i < 100000; ++i) {
    double u = SeededUniform(9, 0, i, 0);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

TEST(SamplingParamsTest, ValidateNamesTheField) {
  SamplingParams p;
  EXPECT_TRUE(p.Validate().ok());
  p.top_p = 0;
  EXPECT_NE(p.Validate().message().find("top_p"), std::string::npos);
  p = SamplingParams();
  p.n = 0;
  EXPECT_NE(p.Validate().message().find("n "), std::string::npos);
  p = SamplingParams();
  p.temperature = -1;
  EXPECT_NE(p.Validate().message().find("temperature"), std::string::npos);
  p = SamplingParams();
  p.min_p = 1.0;
  EXPECT_FALSE(p.Validate().ok());
  p = SamplingParams();
  p.stop = {""};
  EXPECT_FALSE(p.Validate().ok());
  p = SamplingParams();
  p.max_new_tokens = 0;
  EXPECT_FALSE(SamplerChain::FromParams(p).ok());
}

}  // namespace
}  // namespace rlzero
