// tests/verifiers/math/adversarial_test.cc: inputs built to hang or blow up a
// grader (enormous exponents, deep nesting, 1 MB responses, malformed LaTeX)
// must each return a verdict well within a generous wall bound (2 s; the
// verifier's own deadline is 1 s). This is a bound on a single call, not a
// throughput measurement.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "verifiers/math/math_verifier.h"

namespace rlzero::verifiers {
namespace {

constexpr double kWallBoundS = 2.0;

struct Case {
  std::string name;
  std::string response;
  std::string gold;
};

double TimedVerify(const Case& c, bool fallback, MathVerdict* out) {
  MathOptions o;
  o.fallback_last_number = fallback;
  auto t0 = std::chrono::steady_clock::now();
  *out = VerifyMath(c.response, c.gold, o);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<Case> Cases() {
  std::vector<Case> c;
  c.push_back({"tower 2003^{2002^{2001}}", "\\boxed{2003^{2002^{2001}}}", "1"});
  c.push_back({"tower as gold", "\\boxed{5}", "2003^{2002^{2001}}"});
  c.push_back({"tower vs tower+1", "\\boxed{2003^{2002^{2001}}+1}", "2003^{2002^{2001}}"});
  c.push_back({"10^10^10", "\\boxed{10^10^10}", "10"});
  c.push_back({"10^{10^{10}}", "\\boxed{10^{10^{10}}}", "10^{10^{10}}+1"});
  c.push_back({"power tower 6 high", "\\boxed{2^{2^{2^{2^{2^{2}}}}}}", "4"});
  c.push_back({"symbolic tower", "\\boxed{x^{x^{x^{x^{x}}}}}", "x^{x^{x^{x}}}"});
  c.push_back({"wide product", "\\boxed{" + Repeat("2^{30000}\\cdot ", 60) + "1}", "2"});
  c.push_back({"factorial tower", "\\boxed{9!!!!!!!!}", "9"});
  c.push_back({"factorial of huge", "\\boxed{(10^{30})!}", "1"});
  c.push_back({"huge binomial", "\\boxed{\\binom{1000000}{500000}}", "1"});
  c.push_back({"huge literal exponent", "\\boxed{1e999999999}", "1"});
  c.push_back({"many pm", "\\boxed{" + Repeat("1\\pm ", 40) + "1}", "1"});
  c.push_back({"huge set", "\\boxed{\\{" + Repeat("1,", 600) + "1\\}}",
               "\\{" + Repeat("1,", 600) + "1\\}"});
  c.push_back({"5000 nested braces",
               "\\boxed{" + std::string(5000, '{') + "1" + std::string(5000, '}') + "}", "1"});
  c.push_back({"1000 nested braces",
               "\\boxed{" + std::string(1000, '{') + "1" + std::string(1000, '}') + "}", "1"});
  c.push_back({"1000 nested parens",
               "\\boxed{" + std::string(1000, '(') + "1" + std::string(1000, ')') + "}", "1"});
  c.push_back({"1000 nested fracs",
               "\\boxed{" + Repeat("\\frac{1}{", 200) + "2" + std::string(200, '}') + "}", "2"});
  c.push_back({"unclosed boxed 1 MB", Repeat("\\boxed{", 150000), "1"});
  c.push_back({"1 MB of text", Repeat("blah 12 ", 131072) + "\\boxed{12}", "12"});
  c.push_back({"1 MB answer tag", "<answer>" + Repeat("x+", 500000) + "1</answer>", "1"});
  c.push_back({"1 MB of braces", std::string(1 << 20, '{'), "1"});
  c.push_back({"1 MB of digits", std::string(1 << 20, '7'), "7"});
  c.push_back({"left-deep division", "\\boxed{" + Repeat("1/", 1000) + "1}", "1"});
  c.push_back({"long sum", "\\boxed{" + Repeat("x+", 1000) + "x}", "1001x"});
  for (const char* bad : {"\\frac{", "\\sqrt[", "\\begin{pmatrix}", "^^^^", "\\left(", "}{",
                          "\\\\\\\\", "\\frac{1}{0}", "0^{-1}", "\\log 0", "(((]]]", "|||",
                          "\\begin{pmatrix}&&\\\\&\\end{pmatrix}"})
    c.push_back({std::string("malformed ") + bad, std::string("\\boxed{") + bad + "}", "1"});
  return c;
}

TEST(MathAdversarialTest, EveryInputReturnsWithinTheWallBound) {
  double slowest = 0;
  std::string slowest_name;
  for (const Case& c : Cases()) {
    for (bool fallback : {false, true}) {
      MathVerdict v;
      double s = TimedVerify(c, fallback, &v);
      if (s > slowest) slowest = s, slowest_name = c.name;
      EXPECT_LT(s, kWallBoundS) << c.name;
      if (!v.correct) EXPECT_FALSE(v.reason.empty()) << c.name;
      EXPECT_LE(v.extracted.size(), 4096u) << c.name;
    }
  }
  std::printf("slowest adversarial case: %s (%.1f ms)\n", slowest_name.c_str(), slowest * 1e3);
}

TEST(MathAdversarialTest, HugeValuesAreNotEqualByOverflow) {
  MathOptions o;
  // Both overflow to infinity numerically; they must not be called equal.
  EXPECT_FALSE(CompareMathAnswers("2003^{2002^{2001}}+1", "2003^{2002^{2001}}", o).correct);
  EXPECT_FALSE(CompareMathAnswers("10^{10^{10}}", "10^{10^{11}}", o).correct);
  // The same spelling is still accepted (string fast path).
  EXPECT_TRUE(CompareMathAnswers("2003^{2002^{2001}}", "2003^{2002^{2001}}", o).correct);
}

TEST(MathAdversarialTest, ZeroTimeoutStillReturns) {
  MathOptions o;
  o.timeout_ms = 0;
  MathVerdict v = CompareMathAnswers("\\frac{x^2-1}{x-1}", "x+1", o);
  EXPECT_FALSE(v.correct);
  EXPECT_NE(v.reason.find("deadline"), std::string::npos) << v.reason;
}

}  // namespace
}  // namespace rlzero::verifiers
