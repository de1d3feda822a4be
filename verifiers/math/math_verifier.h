// verifiers/math/math_verifier.h: the math answer verifier (issue 5, "math").
//
// VerifyMath(response, gold) extracts the model's final answer
// (answer_extractor.h), normalises both LaTeX strings (latex_normalizer.h),
// and decides equivalence: identical normalised strings, then text answers
// (case and spacing insensitive) and multiple-choice letters, then parsed trees
// (latex_parser.h) compared structurally and numerically
// (answer_equivalence.h) with exact rational arithmetic where possible.
//
// Contract: gold and prediction are not symmetric (a gold "5" is not matched
// by "2+3=5" or "5x"); every call returns within about options.timeout_ms on
// any input (a deadline checked inside the parser and evaluator, capped
// recursion, exponents and answer length); never throws on bad input.
// Thread safety: VerifyMath is reentrant and may run on many threads at once
// (no shared mutable state; GMP is thread-safe for distinct objects).
#pragma once

#include <cstdint>
#include <string>

namespace rlzero::verifiers {

struct MathOptions {
  bool fallback_last_number = false;  // GSM8K-style golds: take the last number
  int64_t timeout_ms = 1000;          // per call, parse + evaluate
};

struct MathVerdict {
  bool correct = false;
  std::string extracted;  // the answer taken from the response ("" if none)
  std::string reason;     // why not correct (empty when correct)
};

// response: model output; gold: reference answer in LaTeX.
MathVerdict VerifyMath(const std::string& response, const std::string& gold,
                       const MathOptions& options);

// The same comparison on an already extracted answer (no extraction step);
// used by benchmarks and by callers that extract themselves.
MathVerdict CompareMathAnswers(const std::string& answer, const std::string& gold,
                               const MathOptions& options);

}  // namespace rlzero::verifiers
