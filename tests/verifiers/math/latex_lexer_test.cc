// tests/verifiers/math/latex_lexer_test.cc: token boundaries of latex_lexer.h.
#include "verifiers/math/latex_lexer.h"

#include <gtest/gtest.h>

#include <string>

namespace rlzero::verifiers::math {
namespace {

std::string Joined(const std::string& s) {
  std::string out;
  for (const Token& t : LexLatex(s)) {
    if (t.kind == TokKind::kEnd) break;
    out += "[" + std::string(t.text) + "]";
  }
  return out;
}

TEST(LatexLexerTest, NumbersLettersCommands) {
  EXPECT_EQ(Joined("12.5x"), "[12.5][x]");
  EXPECT_EQ(Joined(".5"), "[.5]");
  EXPECT_EQ(Joined("1.5e3+2E-4"), "[1.5e3][+][2E-4]");
  EXPECT_EQ(Joined("2e"), "[2][e]");  // no exponent digits: e is a letter
  EXPECT_EQ(Joined("\\frac{1}{2}"), "[\\frac][{][1][}][{][2][}]");
  EXPECT_EQ(Joined("a\\\\b"), "[a][\\\\][b]");
  EXPECT_EQ(Joined("\\{ 1 \\}"), "[\\{][1][\\}]");
  EXPECT_EQ(Joined("xy"), "[x][y]");
}

TEST(LatexLexerTest, AlwaysEndsWithEnd) {
  for (const char* s : {"", " ", "\\", "\xff", "1."}) {
    auto toks = LexLatex(s);
    ASSERT_FALSE(toks.empty());
    EXPECT_EQ(toks.back().kind, TokKind::kEnd) << s;
  }
}

}  // namespace
}  // namespace rlzero::verifiers::math
