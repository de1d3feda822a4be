// The tiny recipe's curriculum: every attempt's arithmetic and verdict are
// right (checked here by re-evaluating the written expressions), traces stop
// at the first hit, and the prompt is exactly the template's rendering.
#include "data/countdown_trace.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "data/prompt_template.h"

namespace rlzero::data {
namespace {

TEST(CountdownTraceTest, DistinctNumbersGiveAllFiftyFourAttempts) {
  EXPECT_EQ(AllAttempts({3, 5, 7}).size(), 54u);  // 6 orders x 9 operator pairs
  EXPECT_LT(AllAttempts({2, 2, 5}).size(), 54u);  // equal numbers collapse orders
}

TEST(CountdownTraceTest, TracesAreArithmeticallyHonest) {
  std::mt19937_64 rng(7);
  TinyCountdownOptions o;
  std::regex line(
      R"((-?\d+)([-+*])(-?\d+)=(-?\d+),(-?\d+)([-+*])(-?\d+)=(-?\d+),(-?\d+)-(-?\d+)=(-?\d+) (yes|no);)");
  auto apply = [](long a, char op, long b) {
    return op == '+' ? a + b : op == '-' ? a - b : a * b;
  };
  int hits = 0;
  for (int i = 0; i < 500; ++i) {
    TinyCountdownProblem p = RandomTinyCountdownProblem(rng, o);
    ASSERT_GE(p.target, 1);
    std::string t = TinyCountdownTrace(p, rng, o);
    auto end = t.find("</think>\n<answer>");
    ASSERT_NE(end, std::string::npos) << t;
    std::string body = t.substr(0, end);
    int attempts = 0;
    bool hit = false;
    for (auto it = std::sregex_iterator(body.begin(), body.end(), line);
         it != std::sregex_iterator(); ++it) {
      const auto& m = *it;
      ASSERT_FALSE(hit) << "attempt after a hit: " << t;
      long first = apply(std::stol(m[1]), m[2].str()[0], std::stol(m[3]));
      EXPECT_EQ(first, std::stol(m[4])) << t;
      EXPECT_EQ(std::stol(m[5]), first) << t;
      long value = apply(first, m[6].str()[0], std::stol(m[7]));
      EXPECT_EQ(value, std::stol(m[8])) << t;
      EXPECT_EQ(std::stol(m[9]), p.target) << t;
      EXPECT_EQ(std::stol(m[10]), value) << t;
      EXPECT_EQ(std::stol(m[11]), p.target - value) << t;
      EXPECT_EQ(m[12] == "yes", value == p.target) << t;
      hit = m[12] == "yes";
      ++attempts;
    }
    EXPECT_GE(attempts, o.min_attempts);
    EXPECT_LE(attempts, o.max_attempts);
    EXPECT_EQ(t.substr(t.size() - 9), "</answer>");
    hits += hit;
  }
  // Solvable by construction but searched at random: the base rate stays low.
  EXPECT_GT(hits, 25);
  EXPECT_LT(hits, 200);
}

TEST(CountdownTraceTest, PromptIsTheTemplateRendering) {
  TinyCountdownProblem p{{3, 5, 7}, 22};
  auto t = PromptTemplate::Parse(kTinyCountdownTemplate);
  ASSERT_TRUE(t.ok());
  auto r = t->Render(Json{{"numbers", {3, 5, 7}}, {"target", 22}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, TinyCountdownPrompt(p));
  EXPECT_EQ(*r, "Numbers: [3, 5, 7]. Target: 22.\n<think>");
}

}  // namespace
}  // namespace rlzero::data
