// policy/tokenizer/utf8.h: the few UTF-8 helpers the tokenizer needs:
// decoding one code point, encoding one, and lossy repair of invalid input
// (invalid sequences become U+FFFD, as Rust's String::from_utf8_lossy does,
// which is what Hugging Face tokenizers does on decode).
// Non-goals: normalization (normalizer.h), grapheme clusters.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rlzero::tokenizer_internal {

// Length of the valid UTF-8 sequence starting at s[i] (1-4), or 0 if the bytes
// there do not form one (overlong, surrogate, truncated, > U+10FFFF).
size_t ValidSequenceLength(std::string_view s, size_t i);

// Decodes the valid sequence at s[i] of length n (from ValidSequenceLength).
uint32_t DecodeAt(std::string_view s, size_t i, size_t n);

// Appends the UTF-8 encoding of code point cp (cp <= 0x10FFFF) to *out.
void AppendCodePoint(uint32_t cp, std::string* out);

// True if every byte sequence in s is valid UTF-8.
bool IsValidUtf8(std::string_view s);

// s with each maximal invalid subsequence replaced by U+FFFD (the WHATWG /
// from_utf8_lossy policy: one replacement per maximal invalid prefix).
std::string RepairUtf8(std::string_view s);

}  // namespace rlzero::tokenizer_internal
