// inspect/crc32c.h: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as
// used by TFRecord framing, plus TensorFlow's "masked" variant.
// Non-goals: hardware acceleration (event records are tiny).
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rlzero::inspect {

uint32_t Crc32c(const void* data, size_t n);
inline uint32_t Crc32c(const std::string& s) { return Crc32c(s.data(), s.size()); }
// ((crc >> 15) | (crc << 17)) + 0xa282ead8, TensorFlow's crc32c::Mask.
uint32_t MaskCrc32c(uint32_t crc);

}  // namespace rlzero::inspect
