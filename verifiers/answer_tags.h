// verifiers/answer_tags.h: taking the tagged answer out of a response, the way
// the R1-Zero template marks it (<answer>...</answer>), shared by the
// countdown, math-adapter and format verifiers.
//
// Contract: FindLastTagged scans left to right for non-overlapping
// open...close pairs (like a non-greedy regex) and returns the last one; if
// that pair's content holds another `open`, the content after the last such
// `open` is taken ("<answer>a<answer>b</answer>" -> "b"). Linear in the
// response length. Non-goals: nested tags, attributes, case folding.
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rlzero::verifiers {

// Content of the last open...close pair in text, or nullopt if none.
std::optional<std::string_view> FindLastTagged(std::string_view text, std::string_view open,
                                               std::string_view close);

// Number of non-overlapping occurrences of needle in text.
size_t CountOccurrences(std::string_view text, std::string_view needle);

// text without leading/trailing ASCII whitespace.
std::string_view TrimAscii(std::string_view text);

}  // namespace rlzero::verifiers
