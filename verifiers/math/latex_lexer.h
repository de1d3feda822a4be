// verifiers/math/latex_lexer.h: splits normalised LaTeX into tokens for
// latex_parser.h.
//
// Tokens: numbers ("12", ".5", "1.5e3"), single letters, commands (\frac,
// and a backslash + one non-letter such as \{ or \\), other single
// characters, and an end marker. Whitespace separates tokens and is dropped.
// Tokens view the source string, which must outlive them.
// Non-goals: validation (unknown bytes become character tokens the parser
// rejects). Thread safety: stateless function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace rlzero::verifiers::math {

enum class TokKind : uint8_t { kNumber, kLetter, kCommand, kChar, kEnd };

struct Token {
  TokKind kind;
  std::string_view text;
  size_t offset;
  bool split = false;  // the tail of a number split by a one-digit argument
};

// Never fails; the last token is always kEnd. Linear in the input.
std::vector<Token> LexLatex(std::string_view s);

}  // namespace rlzero::verifiers::math
