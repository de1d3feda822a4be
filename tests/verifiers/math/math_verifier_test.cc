// tests/verifiers/math/math_verifier_test.cc: hand-written equivalence cases
// for VerifyMath / CompareMathAnswers, one test per equivalence class, each
// with the false-positive traps of that class. Expected verdicts are worked
// out by hand (closed-form arithmetic), not taken from the verifier.
#include "verifiers/math/math_verifier.h"

#include <gtest/gtest.h>

#include <string>

namespace rlzero::verifiers {
namespace {

bool Same(const std::string& gold, const std::string& pred) {
  MathOptions o;
  return CompareMathAnswers(pred, gold, o).correct;
}

#define EXPECT_MATCH(gold, pred) \
  EXPECT_TRUE(Same(gold, pred)) << "gold=" << (gold) << " pred=" << (pred)
#define EXPECT_NO_MATCH(gold, pred) \
  EXPECT_FALSE(Same(gold, pred)) << "gold=" << (gold) << " pred=" << (pred)

TEST(MathVerifierTest, Integers) {
  EXPECT_MATCH("5", "5");
  EXPECT_MATCH("5", " 5 ");
  EXPECT_MATCH("-3", "-3");
  EXPECT_MATCH("5", "+5");
  EXPECT_MATCH("12", "012");
  EXPECT_MATCH("10", "10.0");
  EXPECT_MATCH("5", "5.");
  EXPECT_MATCH("5", "$5$");
  EXPECT_NO_MATCH("5", "6");
  EXPECT_NO_MATCH("5", "-5");
  EXPECT_NO_MATCH("5", "55");
  EXPECT_NO_MATCH("5", "5x");
  EXPECT_NO_MATCH("15", "5");
}

TEST(MathVerifierTest, ThousandsSeparators) {
  EXPECT_MATCH("1000", "1,000");
  EXPECT_MATCH("1000", "1{,}000");
  EXPECT_MATCH("1000", "1\\,000");
  EXPECT_MATCH("1000", "1 000");
  EXPECT_MATCH("10,\\!080", "10080");
  EXPECT_MATCH("11,\\! 111,\\! 111,\\! 100", "11111111100");
  EXPECT_MATCH("58,500", "58500");
  EXPECT_MATCH("1234567.5", "1,234,567.5");
  // In a tuple the comma separates components: (1,000) is (1, 0).
  EXPECT_NO_MATCH("(1,000)", "1000");
  EXPECT_MATCH("(1,0)", "(1,000)");
  // A bare list whose groups are not three digits is a list.
  EXPECT_NO_MATCH("1000", "1,00");
  EXPECT_MATCH("1,-2", "-2, 1");
}

TEST(MathVerifierTest, Decimals) {
  EXPECT_MATCH("0.5", ".5");
  EXPECT_MATCH("0.5", "\\frac{1}{2}");
  EXPECT_MATCH(".0000672", "6.72\\times 10^{-5}");
  EXPECT_MATCH("1.25", "\\frac54");
  EXPECT_MATCH("3.21", "3.210");
  EXPECT_NO_MATCH("0.33", "\\frac{1}{3}");
  EXPECT_NO_MATCH("\\frac{1}{3}", "0.333");
  EXPECT_NO_MATCH("1.25", "1.24");
}

TEST(MathVerifierTest, Fractions) {
  EXPECT_MATCH("\\frac{1}{2}", "\\dfrac{1}{2}");
  EXPECT_MATCH("\\frac{1}{2}", "\\tfrac12");
  EXPECT_MATCH("\\frac{1}{2}", "1/2");
  EXPECT_MATCH("\\frac{2}{4}", "\\frac{1}{2}");
  EXPECT_MATCH("\\frac 59", "\\frac{5}{9}");
  EXPECT_MATCH("\\frac9{19}", "9/19");
  EXPECT_MATCH("-\\frac{35}{9}", "\\frac{-35}{9}");
  EXPECT_MATCH("-\\frac{35}{9}", "-35/9");
  EXPECT_MATCH("\\frac{14}{3}", "4\\frac{2}{3}");
  EXPECT_NO_MATCH("\\frac{1}{2}", "\\frac{2}{1}");
  EXPECT_NO_MATCH("\\frac{1}{2}", "12");
  EXPECT_NO_MATCH("\\frac{3}{56}", "\\frac{3}{65}");
}

TEST(MathVerifierTest, MixedNumbers) {
  EXPECT_MATCH("1\\frac{4}{5}", "\\frac{9}{5}");
  EXPECT_MATCH("137 \\frac{1}{2}", "275/2");
  EXPECT_MATCH("137 \\frac{1}{2}", "137.5");
  EXPECT_NO_MATCH("1\\frac{4}{5}", "\\frac{4}{5}");
  // 2\frac{x}{3} is a product, not a mixed number.
  EXPECT_MATCH("\\frac{2x}{3}", "2\\frac{x}{3}");
}

TEST(MathVerifierTest, ScientificNotation) {
  EXPECT_MATCH("1500", "1.5\\times10^{3}");
  EXPECT_MATCH("1500", "1.5 \\cdot 10^3");
  EXPECT_MATCH("1500", "1.5e3");
  EXPECT_MATCH("0.0002", "2E-4");
  EXPECT_NO_MATCH("1500", "1.5\\times10^{4}");
}

TEST(MathVerifierTest, RadicalsAndPi) {
  EXPECT_MATCH("2\\sqrt{2}", "\\sqrt{8}");
  EXPECT_MATCH("11\\sqrt2", "\\sqrt{242}");
  EXPECT_MATCH("\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt{3}}");
  EXPECT_MATCH("\\frac{3\\sqrt{3}}{4}", "\\frac{3}{4}\\sqrt{3}");
  EXPECT_MATCH("\\sqrt[3]{8}", "2");
  EXPECT_MATCH("\\sqrt[3]{-27}", "-3");
  EXPECT_MATCH("8^{2/3}", "4");
  EXPECT_MATCH("11 \\sqrt{5} + 11", "11(1+\\sqrt5)");
  EXPECT_MATCH("288 \\pi", "288\\pi");
  EXPECT_MATCH("288 \\pi", "\\pi \\cdot 288");
  EXPECT_MATCH("\\frac{20000}{\\pi}", "20000/\\pi");
  EXPECT_MATCH("18+2\\pi", "2(\\pi+9)");
  EXPECT_MATCH("\\left[ \\frac{\\pi^2}{8}, \\frac{5 \\pi^2}{4} \\right]", "[\\pi^2/8, 1.25\\pi^2]");
  EXPECT_NO_MATCH("2\\sqrt{2}", "\\sqrt{2}");
  EXPECT_NO_MATCH("\\pi", "3.14");
  EXPECT_NO_MATCH("\\sqrt{51}", "51");
  EXPECT_NO_MATCH("7\\pi", "7");
}

TEST(MathVerifierTest, Trigonometry) {
  EXPECT_MATCH("\\frac{\\sqrt{2}}{2}", "\\sin\\frac{\\pi}{4}");
  EXPECT_MATCH("\\cot x", "\\frac{\\cos x}{\\sin x}");
  EXPECT_MATCH("\\cot x", "\\frac{1}{\\tan(x)}");
  EXPECT_MATCH("3", "\\log_2 8");
  EXPECT_NO_MATCH("\\cot x", "\\tan x");
}

TEST(MathVerifierTest, ComplexNumbers) {
  EXPECT_MATCH("6 - 5i", "6-5i");
  EXPECT_MATCH("6 - 5i", "-5i + 6");
  EXPECT_MATCH("1+2i", "(1+i)^2 + 1");  // (1+i)^2 = 2i
  EXPECT_MATCH("-1", "i^2");
  EXPECT_MATCH("2i", "\\sqrt{-4}");
  EXPECT_MATCH("\\frac{1}{2}-\\frac{1}{2}i", "\\frac{1}{1+i}");
  EXPECT_NO_MATCH("6 - 5i", "6+5i");
  EXPECT_NO_MATCH("1+274i", "1+274");
}

TEST(MathVerifierTest, AlgebraicExpressions) {
  EXPECT_MATCH("p - q", "-q + p");
  EXPECT_MATCH("(a+5)(b+2)", "ab + 2a + 5b + 10");
  EXPECT_MATCH("x^3+3x-6", "3x + x^3 - 6");
  EXPECT_MATCH("\\frac{11+9a}{20}", "\\frac{11}{20} + \\frac{9a}{20}");
  EXPECT_MATCH("6r^2-4r-24", "2(3r^2-2r-12)");
  EXPECT_MATCH("x^5 - x^4 + x^3 - x^2 + x - 1", "(x-1)(x^4+x^2+1)");
  EXPECT_MATCH("2k+2", "2(k+1)");
  EXPECT_MATCH("x^{10}", "x**10");  // plain-text power
  EXPECT_MATCH("x^{-2}", "x**-2");
  EXPECT_MATCH("\\frac{x^2-1}{x-1}", "x+1");
  EXPECT_NO_MATCH("p - q", "q - p");
  EXPECT_NO_MATCH("2k+2", "2k+1");
  EXPECT_NO_MATCH("x^3+3x-6", "x^3+3x+6");
  EXPECT_NO_MATCH("5r^5", "5r^4");
  EXPECT_NO_MATCH("3R^2", "3r^2");  // variables are case sensitive
  EXPECT_NO_MATCH("2k", "2m");
  // Points include negative values: |x| and sqrt(x^2) are not x.
  EXPECT_MATCH("|x|", "\\sqrt{x^2}");
  EXPECT_NO_MATCH("x", "|x|");
  EXPECT_NO_MATCH("x", "\\sqrt{x^2}");
}

TEST(MathVerifierTest, EquationsAndDefinitions) {
  EXPECT_MATCH("5", "x=5");
  EXPECT_MATCH("5", "x = 5");
  EXPECT_MATCH("x=5", "5");
  EXPECT_MATCH("x=5", "x=5");
  EXPECT_MATCH("x=5", "5=x");
  EXPECT_MATCH("y = 2x + 3", "y=3+2x");
  EXPECT_MATCH("y = 2x + 3", "2x+3");
  EXPECT_MATCH("y = -2x", "y=-2x");
  EXPECT_MATCH("5x - 7y + 11z + 4 = 0", "-5x + 7y - 11z - 4 = 0");
  EXPECT_MATCH("5x - 7y + 11z + 4 = 0", "10x - 14y + 22z + 8 = 0");
  EXPECT_MATCH("x \\in [-2,7]", "[-2,7]");
  // Restating the question is not an answer.
  EXPECT_NO_MATCH("5", "2+3=5");
  EXPECT_NO_MATCH("5", "x=6");
  EXPECT_NO_MATCH("y = 2x + 3", "y=2x-3");
  EXPECT_NO_MATCH("5x - 7y + 11z + 4 = 0", "5x - 7y + 11z - 4 = 0");
  EXPECT_NO_MATCH("x=5", "x=5, y=3");
}

TEST(MathVerifierTest, Inequalities) {
  EXPECT_MATCH("x < 3", "x<3");
  EXPECT_MATCH("x < 3", "3 > x");
  EXPECT_MATCH("x \\le 3", "x \\leq 3");
  EXPECT_NO_MATCH("x < 3", "x \\le 3");
  EXPECT_NO_MATCH("x < 3", "x > 3");
  // One-variable inequalities against intervals.
  EXPECT_MATCH("(-\\infty, 3)", "x < 3");
  EXPECT_MATCH("(-\\infty, 3]", "x \\le 3");
  EXPECT_MATCH("[2, \\infty)", "x \\geq 2");
  EXPECT_MATCH("[2, \\infty)", "2 \\le x");
  EXPECT_MATCH("x > 2", "(2, \\infty)");
  EXPECT_NO_MATCH("(-\\infty, 3)", "x \\le 3");
  EXPECT_NO_MATCH("(-\\infty, 3)", "x > 3");
  EXPECT_NO_MATCH("(1, 3)", "x < 3");
  // Chains against intervals and chains.
  EXPECT_MATCH("(1,3]", "1 < x \\le 3");
  EXPECT_MATCH("(1,3]", "3 \\geq x > 1");
  EXPECT_MATCH("1 < x \\le 3", "(1,3]");
  EXPECT_MATCH("1 < x \\le 3", "3 \\ge x > 1");
  EXPECT_NO_MATCH("(1,3]", "1 \\le x \\le 3");
  EXPECT_NO_MATCH("1 < x \\le 3", "1 < y \\le 3");
  EXPECT_NO_MATCH("(1,3]", "1 < x < 3");
  EXPECT_MATCH("x \\in (1,3]", "1 < x \\le 3");
  EXPECT_MATCH("1 < x \\le 3", "x \\in (1,3]");
  EXPECT_NO_MATCH("1 < x \\le 3", "x < 3");
}

TEST(MathVerifierTest, OrderedTuples) {
  EXPECT_MATCH("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})");
  EXPECT_MATCH("(6,31,-1)", "(6, 31, -1)");
  EXPECT_MATCH("(6,31,-1)", "6, 31, -1");
  EXPECT_MATCH("\\left( \\frac{3}{2}, -13 \\right)", "(1.5,-13)");
  EXPECT_NO_MATCH("(-2,1)", "(1,-2)");
  EXPECT_NO_MATCH("(6,31,-1)", "(6,31)");
  EXPECT_NO_MATCH("(15,-29)", "(15,29)");
}

TEST(MathVerifierTest, UnorderedSolutionSets) {
  EXPECT_MATCH("3, 5, 7", "7, 5, 3");
  EXPECT_MATCH("3, 5, 7", "\\{3,5,7\\}");
  EXPECT_MATCH("-2,1", "1,-2");
  EXPECT_MATCH("1 \\pm \\sqrt{19}", "1+\\sqrt{19}, 1-\\sqrt{19}");
  EXPECT_MATCH("1 \\pm \\sqrt{19}", "1-\\sqrt{19},1+\\sqrt{19}");
  EXPECT_MATCH("3 \\pm 2 \\sqrt{2}", "3-2\\sqrt2, 3+2\\sqrt2");
  EXPECT_MATCH("\\{1\\pm\\sqrt{5},-2\\}", "-2, 1+\\sqrt5, 1-\\sqrt5");
  EXPECT_MATCH("1,-2", "x=1, x=-2");
  EXPECT_MATCH("\\emptyset", "\\varnothing");
  EXPECT_NO_MATCH("3, 5, 7", "3, 5");
  EXPECT_NO_MATCH("3, 5, 7", "3, 5, 7, 9");
  EXPECT_NO_MATCH("1 \\pm \\sqrt{19}", "1+\\sqrt{19}");
  EXPECT_NO_MATCH("3, 5, 7", "3, 5, 5");
  // "and" / "or" separate answers; hedging between two answers is a list.
  EXPECT_MATCH("14, 15", "14 \\text{ and } 15");
  EXPECT_MATCH("\\pm 3", "x = 3 \\text{ or } x = -3");
  EXPECT_NO_MATCH("3", "3 \\text{ or } -3");
  EXPECT_NO_MATCH("\\frac{1}{2}", "\\frac{1}{2} \\text{ or } 2");
}

TEST(MathVerifierTest, IntervalsAndUnions) {
  EXPECT_MATCH("(3,4]", "(3, 4]");
  EXPECT_MATCH("(2,\\infty)", "(2, \\infty)");
  EXPECT_MATCH("(-\\infty, 0]", "(-\\infty,0]");
  EXPECT_MATCH("\\left(\\frac{3}{5},\\frac{8}{3}\\right]", "(0.6, 8/3]");
  EXPECT_MATCH("(0,9) \\cup (9,36)", "(9,36) \\cup (0,9)");
  EXPECT_MATCH("(-\\infty, 2) \\cup (3, \\infty)", "(-\\infty,2)\\cup(3,\\infty)");
  EXPECT_NO_MATCH("[1,2)", "[1,2]");
  EXPECT_NO_MATCH("(3,4]", "(3,4)");
  EXPECT_NO_MATCH("(3,4]", "[3,4]");
  EXPECT_NO_MATCH("(2,\\infty)", "(-\\infty, 2)");
  EXPECT_NO_MATCH("(0,9) \\cup (9,36)", "(0,36)");
  EXPECT_NO_MATCH("(-\\infty, 2) \\cup (3, \\infty)", "(-\\infty, 2) \\cup [3, \\infty)");
}

TEST(MathVerifierTest, Matrices) {
  EXPECT_MATCH("\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}",
               "\\begin{pmatrix}-\\frac13\\\\ \\frac23 \\\\ \\frac{5}{3}\\end{pmatrix}");
  EXPECT_MATCH("\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}",
               "\\begin{bmatrix} -1 & 0 \\\\ 0 & -1 \\end{bmatrix}");
  EXPECT_NO_MATCH("\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}",
                  "\\begin{pmatrix} 0 & -1 \\\\ -1 & 0 \\end{pmatrix}");
  EXPECT_NO_MATCH("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
                  "\\begin{pmatrix} 1 & 2 \\end{pmatrix}");
  EXPECT_NO_MATCH("\\begin{pmatrix} -2 \\\\ -14 \\\\ -7 \\end{pmatrix}",
                  "\\begin{pmatrix} -2 \\\\ -14 \\end{pmatrix}");
}

TEST(MathVerifierTest, Infinity) {
  EXPECT_MATCH("\\infty", "\\infty");
  EXPECT_MATCH("\\infty", "+\\infty");
  EXPECT_MATCH("-\\infty", "-\\infty");
  EXPECT_MATCH("\\infty", "\u221e");
  EXPECT_NO_MATCH("\\infty", "-\\infty");
  EXPECT_NO_MATCH("\\infty", "1000000");
}

TEST(MathVerifierTest, MultipleChoiceLetters) {
  EXPECT_MATCH("\\text{(C)}", "C");
  EXPECT_MATCH("\\text{(C)}", "(C)");
  EXPECT_MATCH("\\text{(C)}", "\\textbf{(C)}");
  EXPECT_MATCH("\\text{(E)}", "e");
  EXPECT_NO_MATCH("\\text{(C)}", "B");
  EXPECT_NO_MATCH("\\text{(B)}", "(D)");
}

TEST(MathVerifierTest, TextAnswers) {
  EXPECT_MATCH("\\text{Evelyn}", "Evelyn");
  EXPECT_MATCH("\\text{Evelyn}", "\\text{evelyn}");
  EXPECT_MATCH("\\text{east}", "East");
  EXPECT_MATCH("\\text{ellipse}", "\\text{ ellipse }");
  EXPECT_NO_MATCH("\\text{Evelyn}", "Navin");
  EXPECT_NO_MATCH("\\text{even}", "odd");
}

TEST(MathVerifierTest, UnitsDegreesPercentMoney) {
  EXPECT_MATCH("90^\\circ", "90");
  EXPECT_MATCH("90^\\circ", "90^{\\circ}");
  EXPECT_MATCH("90", "90\u00b0");
  EXPECT_MATCH("\\frac{270}7\\text{ degrees}", "\\frac{270}{7}");
  EXPECT_MATCH("5.4 \\text{ cents}", "5.4");
  EXPECT_MATCH("864 \\mbox{ inches}^2", "864");
  EXPECT_MATCH("15\\mbox{ cm}^2", "15 \\text{ cm}^2");
  EXPECT_MATCH("\\$32,\\!348", "32348");
  EXPECT_MATCH("\\$18.90", "\\$18.9");
  EXPECT_MATCH("25\\%", "25");
  EXPECT_MATCH("25\\%", "0.25");  // a percent is also its fraction
  EXPECT_MATCH("0.25", "25\\%");
  EXPECT_MATCH("12.5\\%", "\\frac{1}{8}");
  EXPECT_NO_MATCH("25\\%", "2.5");
  EXPECT_NO_MATCH("0.25", "2.5\\%");
  EXPECT_NO_MATCH("90^\\circ", "45");
  EXPECT_NO_MATCH("\\$36", "37");
}

TEST(MathVerifierTest, BaseNumerals) {
  EXPECT_MATCH("52_8", "52_8");
  EXPECT_MATCH("52_8", "52_{8}");
  EXPECT_MATCH("52_8", "52");
  EXPECT_NO_MATCH("52_8", "42");  // the value in decimal is not the asked numeral
  EXPECT_NO_MATCH("52_8", "52_9");
  EXPECT_NO_MATCH("4210_{5}", "4201_5");
}

TEST(MathVerifierTest, FactorialsAndBinomials) {
  EXPECT_MATCH("120", "5!");
  EXPECT_MATCH("10", "\\binom{5}{2}");
  EXPECT_MATCH("\\binom{5}{2}", "\\dbinom52");
  EXPECT_NO_MATCH("120", "4!");
}

TEST(MathVerifierTest, ExtractionOrder) {
  MathOptions o;
  EXPECT_TRUE(VerifyMath("<think>maybe \\boxed{3}</think><answer>5</answer>", "5", o).correct);
  EXPECT_TRUE(VerifyMath("so \\boxed{3} no wait \\boxed{\\frac{1}{2}}", "0.5", o).correct);
  EXPECT_EQ(VerifyMath("so \\boxed{3} no wait \\boxed{\\frac{1}{2}}", "0.5", o).extracted,
            "\\frac{1}{2}");
  EXPECT_TRUE(VerifyMath("\\fbox{7}", "7", o).correct);
  MathVerdict none = VerifyMath("The answer is 72.", "72", o);
  EXPECT_FALSE(none.correct);
  EXPECT_FALSE(none.reason.empty());
  o.fallback_last_number = true;
  EXPECT_TRUE(VerifyMath("The answer is 72.", "72", o).correct);
  EXPECT_TRUE(VerifyMath("so she pays $1,234 in total", "1234", o).correct);
}

TEST(MathVerifierTest, ReasonsAreGiven) {
  MathOptions o;
  MathVerdict v = CompareMathAnswers("[1,2]", "[1,2)", o);
  EXPECT_FALSE(v.correct);
  EXPECT_EQ(v.reason, "brackets differ");
  EXPECT_TRUE(CompareMathAnswers("5", "5", o).reason.empty());
}

}  // namespace
}  // namespace rlzero::verifiers
