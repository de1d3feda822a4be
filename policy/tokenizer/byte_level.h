// policy/tokenizer/byte_level.h: GPT-2's reversible byte <-> Unicode mapping,
// used by byte-level BPE (Qwen2/3, Llama-3, DeepSeek-V3): every byte maps to a
// printable code point (printable Latin-1 bytes to themselves, the rest to
// U+0100.. in order), so vocab strings like "Ġthe" stand for the bytes " the".
// Non-goals: the ByteLevel pre-tokenizer's regex (pre_tokenizer.h).
// Thread safety: immutable tables built on first use (thread-safe static).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rlzero::tokenizer_internal {

// The code point that stands for byte b.
uint32_t ByteToCodePoint(uint8_t b);
// The byte that code point cp stands for, or -1 if cp is not in the table.
int CodePointToByte(uint32_t cp);

// Maps raw bytes to their byte-level string ("\n " -> "ĊĠ").
std::string BytesToByteLevel(std::string_view bytes);
// Inverse: a byte-level string to its bytes, or nullopt if any character of
// `text` is not in the table (or text is not valid UTF-8).
std::optional<std::string> ByteLevelToBytes(std::string_view text);

}  // namespace rlzero::tokenizer_internal
