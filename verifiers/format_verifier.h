// verifiers/format_verifier.h: the R1-Zero response format,
//   <think> reasoning </think> <answer> answer </answer>
// with nothing but whitespace before, between and (by default) after, each
// tag exactly once, in that order, and a non-empty answer.
//
// Options (all optional):
//   think_open/think_close/answer_open/answer_close: the tags (defaults above)
//   think_prefilled: false   the prompt already ends with think_open, so the
//                            response starts inside the reasoning and must not
//                            repeat think_open
//   allow_text_after_answer: false
//   tag_credit: 0.0          partial credit for a response that does not match:
//                            score = tag_credit x (number of the four tags that
//                            appear exactly once); 0 keeps it all-or-nothing.
//                            Must be in [0, 0.25) so a broken format never
//                            scores as much as a correct one.
// Result: correct/score 1 on a match; extracted = the answer content (trimmed).
// Thread safety: immutable after construction.
#pragma once

#include <memory>

#include "verifiers/verifier.h"

namespace rlzero::verifiers {

StatusOr<std::unique_ptr<Verifier>> MakeFormatVerifier(ConfigReader& options,
                                                       const VerifierEnv& env);

}  // namespace rlzero::verifiers
