// tests/verifiers/math/latex_parser_test.cc: tree shapes of latex_parser.h,
// written by hand in DebugString's prefix form.
#include "verifiers/math/latex_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace rlzero::verifiers::math {
namespace {

std::string Tree(const std::string& latex) {
  EvalBudget budget(1000);
  auto ast = ParseLatex(latex, budget);
  if (!ast.ok()) return "ERROR: " + ast.status().message();
  return DebugString(*ast, ast->root);
}

TEST(LatexParserTest, Precedence) {
  EXPECT_EQ(Tree("1+2x"), "(add 1 (mul 2 x))");
  EXPECT_EQ(Tree("-x^2"), "(neg (pow x 2))");
  EXPECT_EQ(Tree("a/b/c"), "(div (div a b) c)");
  EXPECT_EQ(Tree("2^3^2"), "(pow 2 (pow 3 2))");
  EXPECT_EQ(Tree("a-b"), "(add a (neg b))");
}

TEST(LatexParserTest, MacroShorthand) {
  EXPECT_EQ(Tree("\\frac12"), "(div 1 2)");
  EXPECT_EQ(Tree("\\frac{1}{2}"), "(div 1 2)");
  EXPECT_EQ(Tree("\\sqrt2x"), "(mul (root 2) x)");
  EXPECT_EQ(Tree("x^23"), "(mul (pow x 2) 3)");
  EXPECT_EQ(Tree("\\sqrt[3]{8}"), "(root 8 3)");
}

TEST(LatexParserTest, MixedNumberOnlyForIntegerLiterals) {
  EXPECT_EQ(Tree("2\\frac{1}{2}"), "(add 2 (div 1 2))");
  EXPECT_EQ(Tree("2\\frac{x}{2}"), "(mul 2 (div x 2))");
}

TEST(LatexParserTest, Structures) {
  EXPECT_EQ(Tree("(1,2]"), "(tuple (] 1 2)");
  EXPECT_EQ(Tree("\\{1,2\\}"), "(set 1 2)");
  EXPECT_EQ(Tree("1,2"), "(list 1 2)");
  EXPECT_EQ(Tree("(0,1)\\cup(2,3)"), "(union (tuple () 0 1) (tuple () 2 3))");
  EXPECT_EQ(Tree("x\\le 3"), "(rel <= x 3)");
  EXPECT_EQ(Tree("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}"), "(matrix 2x2 1 2 3 4)");
  EXPECT_EQ(Tree("1\\pm\\sqrt{2}"), "(pm + 1 (root 2))");
  EXPECT_EQ(Tree("52_8"), "52_8");
  EXPECT_EQ(Tree("x_{1}+x_2"), "(add x_1 x_2)");
  EXPECT_EQ(Tree("|x-1|"), "(abs (add x (neg 1)))");
  EXPECT_EQ(Tree("\\sin^2 x"), "(pow (func sin x) 2)");
  EXPECT_EQ(Tree("\\log_2 8"), "(func log 8 2)");
}

TEST(LatexParserTest, RejectsMalformedInput) {
  for (const char* bad : {"", "(", "1+", "\\frac{1}", "\\begin{pmatrix}1&2\\\\3\\end{pmatrix}",
                          "[1)", "\\unknowncommand", "1 2", "x=y=z", "}", "\\sqrt", "((((", "|x",
                          "\\begin{pmatrix}1\\end{bmatrix}"}) {
    EvalBudget budget(1000);
    EXPECT_FALSE(ParseLatex(bad, budget).ok()) << bad;
  }
}

TEST(LatexParserTest, DepthIsCapped) {
  std::string deep(10000, '(');
  deep += "1";
  deep += std::string(10000, ')');
  EvalBudget budget(1000);
  auto r = ParseLatex(deep, budget);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested deeper"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::verifiers::math
