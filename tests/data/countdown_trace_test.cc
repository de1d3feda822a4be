// The tiny recipe's curriculum: every attempt's arithmetic and verdict are
// right (checked here by re-evaluating the written steps), the search order is
// fixed, traces stop at the first hit, the give-up rates are the options',
// and the prompt is exactly the template's rendering.
#include "data/countdown_trace.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "data/prompt_template.h"

namespace rlzero::data {
namespace {

TEST(CountdownTraceTest, AttemptsAreEverySignPatternInCountingOrder) {
  auto a = AllAttempts({3, 5, 7, 9});
  ASSERT_EQ(a.size(), 8u);
  EXPECT_EQ(a[0].signs, "+++");
  EXPECT_EQ(a[1].signs, "++-");
  EXPECT_EQ(a[2].signs, "+-+");
  EXPECT_EQ(a[7].signs, "---");
  EXPECT_EQ(a[0].value, 24);
  EXPECT_EQ(a[7].value, 3 - 5 - 7 - 9);
  EXPECT_EQ(a[5].Expression({3, 5, 7, 9}), "3-5+7-9");
}

TEST(CountdownTraceTest, LineCountsDownFromTheTarget) {
  CountdownAttempt a{"+-+", 3 + 5 - 7 + 9};
  EXPECT_EQ(a.Line({3, 5, 7, 9}, 22), "22-3=19,19-5=14,14+7=21,21-9=12 no;");
  EXPECT_EQ(a.Line({3, 5, 7, 9}, 10), "10-3=7,7-5=2,2+7=9,9-9=0 yes;");
  CountdownAttempt b{"-", 2 - 9};
  EXPECT_EQ(b.Line({2, 9}, 1), "1-2=-1,-1+9=8 no;");
}

TEST(CountdownTraceTest, TracesAreArithmeticallyHonest) {
  std::mt19937_64 rng(7);
  TinyCountdownOptions o;
  std::regex step(R"((-?\d+)([-+])(\d+)=(-?\d+))");
  int hits = 0, first_give_ups = 0, first_misses = 0;
  for (int i = 0; i < 2000; ++i) {
    TinyCountdownProblem p = RandomTinyCountdownProblem(rng, o);
    ASSERT_EQ(p.numbers.size(), 4u);
    ASSERT_GE(p.target, 1);
    std::string t = TinyCountdownTrace(p, rng, o);
    auto end = t.find("</think>\n<answer>");
    ASSERT_NE(end, std::string::npos) << t;
    const auto attempts = AllAttempts(p.numbers);
    size_t pos = 0, n = 0;
    bool hit = false;
    std::string last_expression;
    while (pos < end) {
      ASSERT_FALSE(hit) << "attempt after a hit: " << t;
      ASSERT_LT(n, attempts.size()) << t;
      const size_t eol = t.find('\n', pos);
      const std::string line = t.substr(pos, eol - pos);
      pos = eol + 1;
      // The steps chain: target - a, then each number undone, ending on the verdict.
      long expect_left = p.target;
      size_t k = 0;
      for (auto it = std::sregex_iterator(line.begin(), line.end(), step);
           it != std::sregex_iterator(); ++it, ++k) {
        const auto& m = *it;
        ASSERT_LT(k, p.numbers.size()) << line;
        EXPECT_EQ(std::stol(m[1]), expect_left) << line;
        EXPECT_EQ(std::stol(m[3]), p.numbers[k]) << line;
        const char op = m[2].str()[0];
        if (k == 0) EXPECT_EQ(op, '-') << line;
        if (k > 0) EXPECT_EQ(op, attempts[n].signs[k - 1] == '+' ? '-' : '+') << line;
        expect_left = op == '+' ? expect_left + std::stol(m[3]) : expect_left - std::stol(m[3]);
        EXPECT_EQ(std::stol(m[4]), expect_left) << line;
      }
      EXPECT_EQ(k, p.numbers.size()) << line;
      hit = line.substr(line.size() - 5) == " yes;";
      EXPECT_EQ(hit, expect_left == 0) << line;
      EXPECT_EQ(hit, attempts[n].value == p.target) << line;
      last_expression = attempts[n].Expression(p.numbers);
      if (n == 0 && !hit) {
        ++first_misses;
        first_give_ups += pos >= end;
      }
      ++n;
    }
    EXPECT_EQ(t.substr(end), "</think>\n<answer>" + last_expression + "</answer>");
    hits += hit;
  }
  // Solvable by construction, but most traces stop after one failed try.
  EXPECT_GT(hits, 400);
  EXPECT_LT(hits, 1400);
  const double give_up = double(first_give_ups) / first_misses;
  EXPECT_NEAR(give_up, o.give_up_first, 0.05);
}

TEST(CountdownTraceTest, NeverGivingUpAlwaysFindsTheTarget) {
  std::mt19937_64 rng(3);
  TinyCountdownOptions o;
  o.count = 3;
  o.give_up_first = o.give_up_later = 0.0;
  for (int i = 0; i < 300; ++i) {
    TinyCountdownProblem p = RandomTinyCountdownProblem(rng, o);
    ASSERT_EQ(p.numbers.size(), 3u);
    std::string t = TinyCountdownTrace(p, rng, o);
    EXPECT_NE(t.find(" yes;\n</think>"), std::string::npos) << t;
  }
}

TEST(CountdownTraceTest, PromptIsTheTemplateRendering) {
  TinyCountdownProblem p{{3, 5, 7, 9}, 22};
  auto t = PromptTemplate::Parse(kTinyCountdownTemplate);
  ASSERT_TRUE(t.ok());
  auto r = t->Render(Json{{"numbers", {3, 5, 7, 9}}, {"target", 22}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, TinyCountdownPrompt(p));
  EXPECT_EQ(*r, "Numbers: [3, 5, 7, 9]. Target: 22.\n<think>");
}

}  // namespace
}  // namespace rlzero::data
