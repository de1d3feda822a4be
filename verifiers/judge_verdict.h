// verifiers/judge_verdict.h: reading a judge model's verdict out of its text
// and mapping it to a score in [0, 1].
//
// Formats (the judge's LAST occurrence counts; earlier ones, e.g. a verdict
// the judge quotes or revises, are ignored; if the last one is malformed the
// verdict is unparseable, never taken from an earlier one):
//   boxed    \boxed{N}                    N a decimal number
//   score    Score: N  (case-insensitive; '*' and spaces around ':' allowed,
//            as in "**Score:** 7")        N a decimal number
//   yes_no   <verdict>yes</verdict> or <verdict>no</verdict> (case and
//            surrounding spaces ignored)  yes -> 1, no -> 0
// Numbers: optional '-', 1-9 digits, optional '.' and 1-9 digits; N outside
// [score_min, score_max] is unparseable; otherwise the score is
// (N - score_min) / (score_max - score_min).
//
// Contract: Parse never fails as a Status: an unparseable text gives
// parsed=false with a reason. Linear in the text; any bytes are safe.
// Thread safety: pure.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace rlzero::verifiers {

struct VerdictFormat {
  enum Kind { kBoxed, kScore, kYesNo } kind = kYesNo;
  double score_min = 0.0;
  double score_max = 10.0;

  // "boxed" | "score" | "yes_no"; INVALID_ARGUMENT otherwise.
  static StatusOr<Kind> KindFromName(const std::string& name);
  Status Validate() const;
};

struct Verdict {
  bool parsed = false;
  double score = 0.0;     // in [0, 1] when parsed
  std::string extracted;  // the verdict's text (at most 64 bytes)
  std::string reason;     // why not parsed
};

Verdict ParseVerdict(std::string_view text, const VerdictFormat& format);

}  // namespace rlzero::verifiers
