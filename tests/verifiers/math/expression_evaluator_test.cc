// tests/verifiers/math/expression_evaluator_test.cc: exactness, numeric
// fallback and guards of expression_evaluator.h. Expected values are closed
// forms computed by hand.
#include "verifiers/math/expression_evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "verifiers/math/latex_parser.h"

namespace rlzero::verifiers::math {
namespace {

struct Result {
  bool ok = false;
  Value value;
  std::string error;
};

Result Eval(const std::string& latex, const Assignment& vars = {}, uint32_t mask = 0) {
  EvalBudget budget(1000);
  Result r;
  auto ast = ParseLatex(latex, budget);
  if (!ast.ok()) {
    r.error = ast.status().message();
    return r;
  }
  r.ok = EvaluateScalar(*ast, ast->root, vars, mask, budget, &r.value, &r.error);
  return r;
}

TEST(ExpressionEvaluatorTest, ExactRationals) {
  Result r = Eval("\\frac{1}{3}+\\frac{1}{6}");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.value.exact);
  EXPECT_EQ(r.value.re, mpq_class(1, 2));
  r = Eval("2^{100}");
  ASSERT_TRUE(r.ok);
  mpz_class two100;
  mpz_ui_pow_ui(two100.get_mpz_t(), 2, 100);
  EXPECT_EQ(r.value.re, mpq_class(two100));
  r = Eval("0.125");
  EXPECT_EQ(r.value.re, mpq_class(1, 8));
  r = Eval("2^{-3}");
  EXPECT_EQ(r.value.re, mpq_class(1, 8));
  r = Eval("\\sqrt{\\frac{9}{4}}");
  EXPECT_TRUE(r.value.exact);
  EXPECT_EQ(r.value.re, mpq_class(3, 2));
}

TEST(ExpressionEvaluatorTest, GaussianRationals) {
  Result r = Eval("(2+3i)(2-3i)");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.value.exact);
  EXPECT_EQ(r.value.re, 13);
  EXPECT_EQ(r.value.im, 0);
  r = Eval("i^{3}");
  EXPECT_EQ(r.value.re, 0);
  EXPECT_EQ(r.value.im, -1);
}

TEST(ExpressionEvaluatorTest, NumericFallback) {
  Result r = Eval("\\sqrt{2}");
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.value.exact);
  EXPECT_NEAR(static_cast<double>(r.value.z.real()), std::sqrt(2.0), 1e-15);
  r = Eval("\\cos\\pi");
  EXPECT_NEAR(static_cast<double>(r.value.z.real()), -1.0, 1e-15);
  r = Eval("\\ln 1");
  EXPECT_TRUE(r.value.exact);
  EXPECT_EQ(r.value.re, 0);
}

TEST(ExpressionEvaluatorTest, SymbolsAndPlusMinus) {
  Assignment vars{{"x", mpq_class(3)}};
  Result r = Eval("x^2+1", vars);
  EXPECT_EQ(r.value.re, 10);
  EXPECT_FALSE(Eval("y+1", vars).ok);
  EXPECT_EQ(Eval("1\\pm 2", {}, 0).value.re, 3);
  EXPECT_EQ(Eval("1\\pm 2", {}, 1).value.re, -1);
  EXPECT_EQ(Eval("1\\mp 2", {}, 0).value.re, -1);
}

TEST(ExpressionEvaluatorTest, DomainErrors) {
  EXPECT_FALSE(Eval("\\frac{1}{0}").ok);
  EXPECT_FALSE(Eval("0^{-1}").ok);
  EXPECT_FALSE(Eval("\\infty+1").ok);
  EXPECT_FALSE(Eval("(1,2)").ok);
  EXPECT_FALSE(Eval("(-1)!").ok);
  EXPECT_FALSE(Eval("12_2").ok);  // digit 2 is not binary
}

TEST(ExpressionEvaluatorTest, HugeExponentsGoNumericInsteadOfAllocating) {
  Result r = Eval("2003^{2002^{2001}}");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.value.exact);
  EXPECT_FALSE(std::isfinite(r.value.z.real()));
  r = Eval("10^{10^{10}}");
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.value.exact);
  EXPECT_FALSE(Eval("100000!").ok);
  Value a, b;
  a.exact = b.exact = false;
  a.z = b.z = Complex(INFINITY, 0);
  EXPECT_FALSE(ValuesEqual(a, b));
}

}  // namespace
}  // namespace rlzero::verifiers::math
