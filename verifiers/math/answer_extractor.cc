// verifiers/math/answer_extractor.cc: see answer_extractor.h.
#include "verifiers/math/answer_extractor.h"

#include <algorithm>

#include "verifiers/math/ascii.h"

namespace rlzero::verifiers::math {
namespace {

// Content of the brace group opening at text[open] ('{'), or nothing when it
// does not close within kMaxAnswerChars.
std::optional<std::string> BraceGroup(std::string_view text, size_t open) {
  int depth = 0;
  size_t limit = std::min(text.size(), open + kMaxAnswerChars + 2);
  for (size_t i = open; i < limit; ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < limit) {  // \{ and \} do not count
      ++i;
      continue;
    }
    if (c == '{') ++depth;
    if (c == '}' && --depth == 0) return std::string(text.substr(open + 1, i - open - 1));
  }
  return std::nullopt;
}

// Start of the last "\boxed" or "\fbox" command strictly before `end`.
size_t LastBoxCommand(std::string_view text, size_t end) {
  std::string_view head = text.substr(0, end);
  size_t b = head.rfind("\\boxed");
  size_t f = head.rfind("\\fbox");
  if (b == std::string_view::npos) return f;
  if (f == std::string_view::npos) return b;
  return std::max(b, f);
}

}  // namespace

std::optional<std::string> ExtractLastBoxed(std::string_view text) {
  size_t end = text.size();
  // Try the last few \boxed commands: a truncated last one falls back to the
  // one before; a bounded number of tries keeps adversarial input linear.
  for (int tries = 0; tries < 8; ++tries) {
    size_t at = LastBoxCommand(text, end);
    if (at == std::string_view::npos) return std::nullopt;
    size_t i = at + (text.compare(at, 6, "\\boxed") == 0 ? 6 : 5);
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == '{') {
      if (auto g = BraceGroup(text, i)) return g;
    } else if (i < text.size() && i > at + 5 && text[i - 1] == ' ') {
      // "\boxed 5": the argument runs to the next space or '$'.
      size_t j = i;
      while (j < text.size() && text[j] != ' ' && text[j] != '$' && j - i < kMaxAnswerChars) ++j;
      if (j > i) return std::string(text.substr(i, j - i));
    }
    end = at;
  }
  return std::nullopt;
}

std::optional<std::string> ExtractAnswer(std::string_view response, bool fallback_last_number) {
  size_t open = response.rfind("<answer>");
  if (open != std::string_view::npos) {
    size_t start = open + 8;
    size_t close = response.find("</answer>", start);
    if (close != std::string_view::npos) {
      std::string_view inner = response.substr(start, close - start);
      if (auto boxed = ExtractLastBoxed(inner)) return boxed;
      return std::string(inner);
    }
  }
  if (auto boxed = ExtractLastBoxed(response)) return boxed;
  if (!fallback_last_number) return std::nullopt;
  // Last number: scan back to the last digit, then take the numeral around it
  // (digits, one decimal point, thousands commas, a leading minus).
  size_t i = response.size();
  while (i > 0 && !IsDigit(response[i - 1])) --i;
  if (i == 0) return std::nullopt;
  size_t end = i, start = i;
  while (start > 0 && end - start < 64) {
    char c = response[start - 1];
    if (IsDigit(c)) {
      --start;
    } else if ((c == ',' || c == '.') && start >= 2 && IsDigit(response[start - 2])) {
      --start;
    } else {
      break;
    }
  }
  if (start > 0 && response[start - 1] == '-') --start;
  return std::string(response.substr(start, end - start));
}

}  // namespace rlzero::verifiers::math
