// verifiers/math/latex_lexer.cc: see latex_lexer.h.
#include "verifiers/math/latex_lexer.h"

#include "verifiers/math/ascii.h"

namespace rlzero::verifiers::math {

// Splits normalised LaTeX into tokens. Never fails: unknown bytes become
// kChar tokens that the parser rejects.
std::vector<Token> LexLatex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    size_t start = i;
    if (IsDigit(c) || (c == '.' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      if (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
        ++i;
        while (i < s.size() && IsDigit(s[i])) ++i;
      }
      // Scientific notation 1.5e3 / 2E-4 (an 'e' followed by digits).
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        if (j < s.size() && IsDigit(s[j])) {
          while (j < s.size() && IsDigit(s[j])) ++j;
          i = j;
        }
      }
      out.push_back({TokKind::kNumber, s.substr(start, i - start), start});
      continue;
    }
    if (IsAlpha(c)) {
      out.push_back({TokKind::kLetter, s.substr(i, 1), start});
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < s.size()) {
      ++i;
      if (IsAlpha(s[i])) {
        while (i < s.size() && IsAlpha(s[i])) ++i;
      } else {
        ++i;
      }
      out.push_back({TokKind::kCommand, s.substr(start, i - start), start});
      continue;
    }
    out.push_back({TokKind::kChar, s.substr(i, 1), start});
    ++i;
  }
  out.push_back({TokKind::kEnd, std::string_view(), s.size()});
  return out;
}

}  // namespace rlzero::verifiers::math
