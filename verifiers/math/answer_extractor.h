// verifiers/math/answer_extractor.h: finds the final answer in a model
// response.
//
// Order: the content of the last <answer>...</answer> (and inside it, the last
// \boxed{} if there is one); else the last \boxed{...} / \fbox{...} with
// balanced nested braces; else, only with `fallback_last_number`, the last
// number (GSM8K-style: "1,234.5", "-7"). Returns nothing when no answer is
// found. Bounded: one backward scan of the response plus, per candidate
// \boxed, a brace scan of at most kMaxAnswerChars characters.
// Non-goals: judging the answer; LaTeX normalisation (latex_normalizer.h).
// Thread safety: stateless functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rlzero::verifiers::math {

// Longest answer (in bytes) the verifier considers; longer ones are rejected.
inline constexpr size_t kMaxAnswerChars = 2048;

// The last balanced \boxed{...} or \fbox{...} content in `text`.
std::optional<std::string> ExtractLastBoxed(std::string_view text);

// The full extraction order above.
std::optional<std::string> ExtractAnswer(std::string_view response, bool fallback_last_number);

}  // namespace rlzero::verifiers::math
