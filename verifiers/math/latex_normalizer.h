// verifiers/math/latex_normalizer.h: rewrites an extracted LaTeX answer into
// the canonical spelling the parser and the string fast path expect.
//
// Applied steps, in order: $...$, \(..\), \[..\] delimiters and \$ dropped;
// Unicode math symbols mapped to commands (− × ÷ · ∞ π √ ≤ ≥ ≠ ∪ °);
// \text{} \mbox{} \textbf{} \mathrm{} unwrapped; \left \right \big.. and
// spacing commands (\, \! \; \: \quad ~ "\ ") removed; \dfrac \tfrac \cfrac ->
// \frac, \dbinom -> \binom; degrees (^\circ, ^{\circ}, \circ, \degree) and
// percent (\%, %) dropped; " and " / " or " between items -> ", "; trailing
// unit words ("10 inches", "5.4 cents",
// "15 cm^2") dropped; thousands separators (1,000 1{,}000 1\,000 "1 000")
// joined when the whole answer is one such number; a trailing period and
// outer whitespace removed.
// Non-goals: deciding structure (a comma inside brackets stays a comma: the
// "1,000"-as-thousands rule applies only to a bare whole answer).
// Thread safety: stateless function.
#pragma once

#include <string>
#include <string_view>

namespace rlzero::verifiers::math {

// `had_percent` (optional) is set when a percent sign was dropped.
std::string NormalizeLatex(std::string_view answer, bool* had_percent = nullptr);

// Lower-cased with all whitespace removed: the text-answer comparison key.
std::string TextKey(std::string_view normalized);

}  // namespace rlzero::verifiers::math
