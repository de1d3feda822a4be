// data/countdown_trace.cc
#include "data/countdown_trace.h"

namespace rlzero::data {

std::string CountdownAttempt::Expression(const std::vector<int64_t>& n) const {
  std::string s = std::to_string(n[0]);
  for (size_t i = 0; i < signs.size(); ++i) s += signs[i] + std::to_string(n[i + 1]);
  return s;
}

std::string CountdownAttempt::Line(const std::vector<int64_t>& n, int64_t target) const {
  // Counting down: rest = target - a, then rest -/+ each signed number.
  int64_t rest = target - n[0];
  std::string s = std::to_string(target) + "-" + std::to_string(n[0]) + "=" + std::to_string(rest);
  for (size_t i = 0; i < signs.size(); ++i) {
    const int64_t x = n[i + 1];
    const int64_t next = signs[i] == '+' ? rest - x : rest + x;
    s += "," + std::to_string(rest) + (signs[i] == '+' ? "-" : "+") + std::to_string(x) + "=" +
         std::to_string(next);
    rest = next;
  }
  return s + (rest == 0 ? " yes;" : " no;");
}

std::vector<CountdownAttempt> AllAttempts(const std::vector<int64_t>& numbers) {
  std::vector<CountdownAttempt> out;
  if (numbers.empty()) return out;
  const size_t k = numbers.size() - 1;
  for (uint64_t mask = 0; mask < (uint64_t{1} << k); ++mask) {
    CountdownAttempt a;
    a.value = numbers[0];
    for (size_t i = 0; i < k; ++i) {
      const bool minus = (mask >> (k - 1 - i)) & 1;  // the first sign varies slowest
      a.signs += minus ? '-' : '+';
      a.value += minus ? -numbers[i + 1] : numbers[i + 1];
    }
    out.push_back(std::move(a));
  }
  return out;
}

TinyCountdownProblem RandomTinyCountdownProblem(std::mt19937_64& rng,
                                                const TinyCountdownOptions& o) {
  std::uniform_int_distribution<int64_t> num(o.min_number, o.max_number);
  for (;;) {
    TinyCountdownProblem p;
    for (int i = 0; i < o.count; ++i) p.numbers.push_back(num(rng));
    auto attempts = AllAttempts(p.numbers);
    std::uniform_int_distribution<size_t> pick(0, attempts.size() - 1);
    p.target = attempts[pick(rng)].value;
    if (p.target >= o.min_target) return p;
  }
}

std::string TinyCountdownTrace(const TinyCountdownProblem& p, std::mt19937_64& rng,
                               const TinyCountdownOptions& o) {
  const auto attempts = AllAttempts(p.numbers);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::string out;
  const CountdownAttempt* last = nullptr;
  for (size_t i = 0; i < attempts.size(); ++i) {
    last = &attempts[i];
    out += last->Line(p.numbers, p.target) + "\n";
    if (last->value == p.target) break;
    if (u(rng) < (i == 0 ? o.give_up_first : o.give_up_later)) break;
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
