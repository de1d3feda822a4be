// verifiers/math/ascii.h: the ASCII character classes that the answer
// extractor, LaTeX normaliser, lexer and parser share. Locale-independent and
// false for every byte of a UTF-8 sequence, unlike <cctype>'s isdigit/isalpha
// (undefined for negative char values). Non-goal: Unicode classes.
#pragma once

namespace rlzero::verifiers::math {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace rlzero::verifiers::math
