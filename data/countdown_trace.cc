// data/countdown_trace.cc
#include "data/countdown_trace.h"

#include <algorithm>
#include <set>

namespace rlzero::data {
namespace {

int64_t Apply(int64_t a, char op, int64_t b) {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    default:
      return a * b;
  }
}

}  // namespace

std::string CountdownAttempt::Expression(const std::vector<int64_t>& n) const {
  return "(" + std::to_string(n[perm[0]]) + op1 + std::to_string(n[perm[1]]) + ")" + op2 +
         std::to_string(n[perm[2]]);
}

std::string CountdownAttempt::Line(const std::vector<int64_t>& n, int64_t target) const {
  return std::to_string(n[perm[0]]) + op1 + std::to_string(n[perm[1]]) + "=" +
         std::to_string(first) + "," + std::to_string(first) + op2 + std::to_string(n[perm[2]]) +
         "=" + std::to_string(value) + "," + std::to_string(target) + "-" + std::to_string(value) +
         "=" + std::to_string(target - value) + (value == target ? " yes;" : " no;");
}

std::vector<CountdownAttempt> AllAttempts(const std::vector<int64_t>& numbers) {
  std::vector<CountdownAttempt> out;
  std::set<std::string> seen;  // equal expressions from equal numbers count once
  int perm[3] = {0, 1, 2};
  const char ops[] = {'+', '-', '*'};
  do {
    for (char o1 : ops) {
      for (char o2 : ops) {
        CountdownAttempt a{{perm[0], perm[1], perm[2]}, o1, o2, 0, 0};
        a.first = Apply(numbers[perm[0]], o1, numbers[perm[1]]);
        a.value = Apply(a.first, o2, numbers[perm[2]]);
        if (seen.insert(a.Expression(numbers)).second) out.push_back(a);
      }
    }
  } while (std::next_permutation(perm, perm + 3));
  return out;
}

TinyCountdownProblem RandomTinyCountdownProblem(std::mt19937_64& rng,
                                                const TinyCountdownOptions& o) {
  std::uniform_int_distribution<int64_t> num(o.min_number, o.max_number);
  for (;;) {
    TinyCountdownProblem p;
    for (int i = 0; i < 3; ++i) p.numbers.push_back(num(rng));
    auto attempts = AllAttempts(p.numbers);
    std::uniform_int_distribution<size_t> pick(0, attempts.size() - 1);
    p.target = attempts[pick(rng)].value;
    if (p.target >= o.min_target) return p;
  }
}

std::string TinyCountdownTrace(const TinyCountdownProblem& p, std::mt19937_64& rng,
                               const TinyCountdownOptions& o) {
  auto attempts = AllAttempts(p.numbers);
  std::shuffle(attempts.begin(), attempts.end(), rng);
  std::uniform_int_distribution<int> budget_dist(o.min_attempts, o.max_attempts);
  const int budget = std::min<int>(budget_dist(rng), static_cast<int>(attempts.size()));
  std::string out;
  const CountdownAttempt* last = nullptr;
  for (int i = 0; i < budget; ++i) {
    last = &attempts[i];
    out += last->Line(p.numbers, p.target) + "\n";
    if (last->value == p.target) break;
  }
  out += "</think>\n<answer>" + last->Expression(p.numbers) + "</answer>";
  return out;
}

std::string TinyCountdownPrompt(const TinyCountdownProblem& p) {
  std::string s = "Numbers: [";
  for (size_t i = 0; i < p.numbers.size(); ++i) s += (i ? ", " : "") + std::to_string(p.numbers[i]);
  return s + "]. Target: " + std::to_string(p.target) + ".\n<think>";
}

}  // namespace rlzero::data
