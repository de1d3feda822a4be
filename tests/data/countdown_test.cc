// tests/data/countdown_test.cc: the Countdown generator. Every solution is
// checked by an independent evaluator written here (exact rational
// arithmetic over the expression text), not by the generator's own values.
#include "data/countdown.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <numeric>

namespace rlzero::data {
namespace {

// Exact rational evaluation of "+ - * / ( )" expressions over integers.
struct Rat {
  __int128 n, d;
};
Rat Norm(Rat r) {
  if (r.d < 0) r.n = -r.n, r.d = -r.d;
  __int128 a = r.n < 0 ? -r.n : r.n, b = r.d;
  while (b != 0) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  if (a > 1) r.n /= a, r.d /= a;
  return r;
}

class Evaluator {
 public:
  explicit Evaluator(const std::string& s) : s_(s) {}
  bool Eval(Rat* out, std::vector<int64_t>* numbers) {
    nums_ = numbers;
    if (!Expr(out)) return false;
    Skip();
    return i_ == s_.size();
  }

 private:
  void Skip() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  bool Expr(Rat* r) {
    if (!Term(r)) return false;
    for (Skip(); i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-'); Skip()) {
      char op = s_[i_++];
      Rat b;
      if (!Term(&b)) return false;
      *r = Norm({op == '+' ? r->n * b.d + b.n * r->d : r->n * b.d - b.n * r->d, r->d * b.d});
    }
    return true;
  }
  bool Term(Rat* r) {
    if (!Atom(r)) return false;
    for (Skip(); i_ < s_.size() && (s_[i_] == '*' || s_[i_] == '/'); Skip()) {
      char op = s_[i_++];
      Rat b;
      if (!Atom(&b)) return false;
      if (op == '/' && b.n == 0) return false;
      *r = Norm(op == '*' ? Rat{r->n * b.n, r->d * b.d} : Rat{r->n * b.d, r->d * b.n});
    }
    return true;
  }
  bool Atom(Rat* r) {
    Skip();
    if (i_ < s_.size() && s_[i_] == '(') {
      ++i_;
      if (!Expr(r)) return false;
      Skip();
      if (i_ >= s_.size() || s_[i_] != ')') return false;
      ++i_;
      return true;
    }
    size_t b = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (b == i_) return false;
    int64_t v = std::stoll(s_.substr(b, i_ - b));
    nums_->push_back(v);
    *r = {v, 1};
    return true;
  }
  std::string s_;
  size_t i_ = 0;
  std::vector<int64_t>* nums_ = nullptr;
};

TEST(CountdownTest, SolutionsUseEveryNumberOnceAndHitTheTarget) {
  CountdownConfig c;
  c.n = 2000;
  c.seed = 1234;
  auto tasks = GenerateCountdown(c);
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks.value().size(), 2000u);
  int sizes[9] = {0};
  for (const auto& t : tasks.value()) {
    std::vector<int64_t> used;
    Rat v;
    ASSERT_TRUE(Evaluator(t.solution).Eval(&v, &used)) << t.solution;
    EXPECT_EQ(v.d, 1) << t.solution;
    EXPECT_EQ(static_cast<int64_t>(v.n), t.target) << t.solution;
    std::vector<int64_t> want = t.numbers;
    std::sort(want.begin(), want.end());
    std::sort(used.begin(), used.end());
    EXPECT_EQ(used, want) << t.solution;
    EXPECT_GE(t.target, 1);
    EXPECT_LE(t.target, 100);
    for (int64_t n : t.numbers) {
      EXPECT_GE(n, 1);
      EXPECT_LE(n, 99);
    }
    ASSERT_GE(t.numbers.size(), 3u);
    ASSERT_LE(t.numbers.size(), 4u);
    ++sizes[t.numbers.size()];
  }
  // Sizes drawn uniformly: both well represented.
  EXPECT_GT(sizes[3], 800);
  EXPECT_GT(sizes[4], 800);
}

TEST(CountdownTest, SeededAndDeterministic) {
  CountdownConfig c;
  c.n = 50;
  c.seed = 7;
  auto a = GenerateCountdown(c), b = GenerateCountdown(c);
  c.seed = 8;
  auto d = GenerateCountdown(c);
  ASSERT_TRUE(a.ok() && b.ok() && d.ok());
  int same = 0, differ = 0;
  for (size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(a.value()[i].numbers, b.value()[i].numbers);
    EXPECT_EQ(a.value()[i].solution, b.value()[i].solution);
    (a.value()[i].numbers == d.value()[i].numbers ? same : differ)++;
  }
  EXPECT_GT(differ, 45);
}

TEST(CountdownTest, RecordHasTheContractFields) {
  CountdownTask t{{1, 2, 3}, 6, "(1 + 2) + 3"};
  auto r = CountdownRecord(t, 4, 9);
  ASSERT_TRUE(r.ok());
  const Json& j = r.value();
  EXPECT_EQ(j["id"], "countdown-9-4");
  EXPECT_EQ(j["numbers"], Json({1, 2, 3}));
  EXPECT_EQ(j["target"], 6);
  EXPECT_EQ(j["solution"], "(1 + 2) + 3");
  EXPECT_EQ(j["task"], "countdown");
  EXPECT_NE(j["prompt"].get<std::string>().find("Using the numbers [1, 2, 3], create an "
                                                "equation that equals 6."),
            std::string::npos);
}

TEST(CountdownTest, InvalidConfigsAreRejected) {
  CountdownConfig c;
  c.min_numbers = 1;
  EXPECT_FALSE(GenerateCountdown(c).ok());
  c = CountdownConfig();
  c.max_numbers = 2;
  EXPECT_FALSE(GenerateCountdown(c).ok());
  c = CountdownConfig();
  c.n = 1;
  c.min_target = 5000;  // unreachable-ish with 1-99 and 3-4 numbers -> bounded failure or success
  c.max_target = 5000;
  auto r = GenerateCountdown(c);
  if (r.ok()) EXPECT_EQ(r.value()[0].target, 5000);
  ConfigReader reader(Json{{"n", 5}, {"seed", 3}, {"max_numbers", 3}}, "cfg");
  auto fc = CountdownConfig::FromConfig(reader);
  ASSERT_TRUE(fc.ok());
  EXPECT_EQ(fc.value().n, 5);
  EXPECT_EQ(fc.value().max_numbers, 3);
  EXPECT_TRUE(reader.Finish().ok());
}

}  // namespace
}  // namespace rlzero::data
