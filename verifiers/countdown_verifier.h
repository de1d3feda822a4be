// verifiers/countdown_verifier.h: TinyZero's Countdown task. The response's
// last <answer>...</answer> holds an equation that must use every given number
// exactly once, only + - * / and parentheses (the Unicode minus U+2212 and
// times U+00D7 are accepted too), no other tokens, and evaluate exactly (exact
// rational arithmetic, no floating point) to the target. An optional
// "= <target>" suffix is allowed; a suffix naming another value is wrong.
//
// Sample fields: response, numbers (list of integers), target (integer).
// Result: correct/score 1 or 0, extracted = the answer text (trimmed).
// Choices beyond TinyZero's regex, all stricter: no decimals, no leading
// zeros ("03"), no implicit multiplication; unary minus/plus are accepted as
// Python's eval (which TinyZero uses) accepts them. Parenthesis nesting is
// capped at 256 and intermediate values at 128-bit rationals; beyond either
// the answer is wrong with a reason (bounded time and memory on any input).
// Options: none. Thread safety: stateless.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/verifier.h"

namespace rlzero::verifiers {

// Judges one equation (the answer text) against numbers and target.
VerifyResult CheckCountdownEquation(std::string_view equation, const std::vector<int64_t>& numbers,
                                    int64_t target);

StatusOr<std::unique_ptr<Verifier>> MakeCountdownVerifier(ConfigReader& options,
                                                          const VerifierEnv& env);

}  // namespace rlzero::verifiers
