// Robustness of the torch-free verifiers: hostile 1 MB responses, random
// (seeded) fuzzing with invariants, and concurrent calls agreeing with serial
// ones. Time bounds here are loose safety nets against hangs (minutes vs a
// 1 s deadline), not performance assertions.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "verifiers/countdown_verifier.h"
#include "verifiers/verifier.h"

namespace rlzero::verifiers {
namespace {

std::vector<std::string> HostileResponses() {
  const size_t kMb = 1 << 20;
  std::vector<std::string> v;
  v.push_back(std::string(kMb, '('));
  v.push_back("<answer>" + std::string(kMb, '(') + "</answer>");
  v.push_back("<answer>" + std::string(kMb, '-') + "1</answer>");
  std::string many_tags;
  while (many_tags.size() < kMb) many_tags += "<answer><think></answer></think>";
  v.push_back(many_tags);
  std::string boxed;
  while (boxed.size() < kMb) boxed += "\\boxed{";
  v.push_back(boxed);
  v.push_back("<answer>" + std::string(kMb / 2, '9') + "</answer>");
  std::string digits_ops;
  while (digits_ops.size() < kMb) digits_ops += "9*";
  v.push_back("<answer>" + digits_ops + "9</answer>");
  std::mt19937 rng(7);
  std::string bytes(kMb, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  v.push_back(bytes);
  v.push_back("<think>" + bytes + "</think><answer>2^{2^{2^{2^{100}}}}</answer>");
  v.push_back("```python\n" + std::string(kMb, 'x') + "\n```");
  return v;
}

std::vector<std::pair<std::string, Json>> Verifiers() {
  std::vector<std::pair<std::string, Json>> v = {{"countdown", Json(nullptr)},
                                                 {"format", Json{{"tag_credit", 0.1}}},
                                                 {"language", Json{{"language", "en"}}},
                                                 {"length", Json{{"max_length", 100}}}};
  for (const auto& info : BuiltinVerifiers())
    if (std::string(info.name) == "math") v.push_back({"math", Json(nullptr)});
  return v;
}

TEST(RobustnessTest, HostileMegabyteResponsesAreAnsweredPromptly) {
  for (const auto& [name, options] : Verifiers()) {
    auto v = MakeVerifier(name, options, VerifierEnv{});
    ASSERT_TRUE(v.ok()) << name << ": " << v.status().ToString();
    for (const std::string& response : HostileResponses()) {
      Json sample = {{"response", response},
                     {"numbers", {1, 2}},
                     {"target", 3},
                     {"answer", "3"},
                     {"response_tokens", 7}};
      auto start = std::chrono::steady_clock::now();
      auto r = (*v)->Verify(sample, Deadline::In(1000));
      auto took = std::chrono::steady_clock::now() - start;
      ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
      // No hostile response holds a right answer (format, length and
      // language judge form, count and script, which some legitimately pass).
      if (name == "countdown" || name == "math") EXPECT_FALSE(r->correct) << name;
      EXPECT_LT(took, std::chrono::seconds(30)) << name << " hangs";
    }
  }
}

// Random fully parenthesised equations over a random permutation of the
// numbers, valued independently in long double while they are built; then
// the same equations with one random mutation. Golden: an unmutated equation
// is correct exactly when its independent value equals the target; a mutated
// one that is judged correct must still obey the rules.
struct Gen {
  std::mt19937 rng{12345};
  // Builds an expression over nums[lo, hi); returns its value (NaN on x/0).
  long double Build(const std::vector<int64_t>& nums, size_t lo, size_t hi, std::string* out) {
    if (hi - lo == 1) {
      *out += std::to_string(nums[lo]);
      return static_cast<long double>(nums[lo]);
    }
    size_t mid = lo + 1 + rng() % (hi - lo - 1);
    std::string a, b;
    long double x = Build(nums, lo, mid, &a), y = Build(nums, mid, hi, &b);
    int op = static_cast<int>(rng() % 4);
    const char* sym[] = {"+", rng() % 2 ? "-" : "\xE2\x88\x92", rng() % 2 ? "*" : "\xC3\x97", "/"};
    *out += "(" + a + " " + sym[op] + " " + b + ")";
    switch (op) {
      case 0:
        return x + y;
      case 1:
        return x - y;
      case 2:
        return x * y;
      default:
        return y == 0 ? NAN : x / y;
    }
  }
};

TEST(RobustnessTest, CountdownFuzzAgainstIndependentValues) {
  Gen gen;
  const std::vector<std::string> noise = {"1", "2", "+", "*", "(", ")",
                                          " ", "=", "0", ".", "x", "**"};
  int correct = 0, mutated_correct = 0;
  for (int i = 0; i < 5000; ++i) {
    std::vector<int64_t> nums = {1, 2, 3, 4, static_cast<int64_t>(1 + gen.rng() % 50)};
    std::shuffle(nums.begin(), nums.end(), gen.rng);
    std::string eq;
    long double value = gen.Build(nums, 0, nums.size(), &eq);
    int64_t target = std::isfinite(static_cast<double>(value))
                         ? static_cast<int64_t>(std::llround(static_cast<double>(value)))
                         : 7;
    if (gen.rng() % 4 == 0) target += 1;  // some near misses
    bool expect = std::isfinite(static_cast<double>(value)) &&
                  std::fabs(static_cast<double>(value - target)) < 1e-9;
    VerifyResult r = CheckCountdownEquation(eq, nums, target);
    EXPECT_EQ(r.correct, expect) << eq << " target " << target << ": " << r.reason;
    correct += r.correct;
    // One mutation: insert noise, delete a byte, or duplicate a number.
    std::string m = eq;
    size_t pos = gen.rng() % (m.size() + 1);
    switch (gen.rng() % 3) {
      case 0:
        m.insert(pos, noise[gen.rng() % noise.size()]);
        break;
      case 1:
        if (pos < m.size()) m.erase(pos, 1);
        break;
      default:
        m += "+" + std::to_string(nums[0]);
        break;
    }
    VerifyResult rm = CheckCountdownEquation(m, nums, target);
    if (rm.correct) {
      ++mutated_correct;
      std::string digits, want;
      for (char c : m)
        if (c >= '0' && c <= '9') digits += c;
      for (int64_t n : nums) want += std::to_string(n);
      std::sort(digits.begin(), digits.end());
      std::sort(want.begin(), want.end());
      EXPECT_EQ(digits, want) << m;  // same digits: every number once, nothing added
      EXPECT_EQ(m.find_first_of(".x"), std::string::npos) << m;
    }
  }
  EXPECT_GT(correct, 1000);  // the generator reaches the target often (seeded)
  std::printf(
      "countdown fuzz: %d of 5000 generated equations correct, %d mutated ones still correct\n",
      correct, mutated_correct);
}

TEST(RobustnessTest, ConcurrentCallsAgreeWithSerialOnes) {
  std::vector<Json> samples;
  const char* answers[] = {"(1+2)*3", "1+2+3", "3*(2+1)", "9", "(3-1)*2*... "};
  for (int i = 0; i < 200; ++i)
    samples.push_back(Json{{"response", std::string("<answer>") + answers[i % 5] + "</answer>"},
                           {"numbers", {1, 2, 3}},
                           {"target", 9},
                           {"answer", "9"}});
  for (const auto& [name, options] : Verifiers()) {
    if (name == "length") continue;
    auto v = MakeVerifier(name, options, VerifierEnv{});
    ASSERT_TRUE(v.ok());
    std::vector<std::string> serial;
    for (const Json& s : samples) {
      auto r = (*v)->Verify(s, Deadline::In(5000));
      serial.push_back(r.ok() ? std::to_string(r->correct) + r->extracted : r.status().ToString());
    }
    std::vector<std::vector<std::string>> par(4, std::vector<std::string>(samples.size()));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (size_t i = 0; i < samples.size(); ++i) {
          auto r = (*v)->Verify(samples[i], Deadline::In(5000));
          par[t][i] = r.ok() ? std::to_string(r->correct) + r->extracted : r.status().ToString();
        }
      });
    for (auto& th : threads) th.join();
    for (int t = 0; t < 4; ++t) EXPECT_EQ(par[t], serial) << name;
  }
}

}  // namespace
}  // namespace rlzero::verifiers
