// rollout/stream_checksum.cc
#include "rollout/stream_checksum.h"

#include <algorithm>
#include <cstring>

namespace rlzero {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;  // odd: the multiply is a bijection
constexpr uint64_t kSeeds[4] = {0x243F6A8885A308D3ull, 0x13198A2E03707344ull, 0xA4093822299F31D0ull,
                                0x082EFA98EC4E6C89ull};

uint64_t LoadLittleEndian64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

uint64_t Fold(uint64_t lane, uint64_t word) {
  lane = (lane ^ word) * kMul;
  return lane ^ (lane >> 29);
}

uint64_t SplitMix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

StreamChecksum::StreamChecksum() { std::memcpy(lanes_, kSeeds, sizeof lanes_); }

void StreamChecksum::Block(const unsigned char* block) {
  for (int i = 0; i < 4; ++i) lanes_[i] = Fold(lanes_[i], LoadLittleEndian64(block + 8 * i));
}

void StreamChecksum::Update(const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  total_bytes_ += size;
  if (pending_size_ > 0) {
    const size_t take = std::min(size, sizeof pending_ - pending_size_);
    std::memcpy(pending_ + pending_size_, p, take);
    pending_size_ += take;
    p += take;
    size -= take;
    if (pending_size_ < sizeof pending_) return;
    Block(pending_);
    pending_size_ = 0;
  }
  for (; size >= 32; p += 32, size -= 32) Block(p);
  std::memcpy(pending_, p, size);
  pending_size_ = size;
}

void StreamChecksum::CopyAndUpdate(void* dst, const void* src, size_t size) {
  constexpr size_t kTile = 16 << 10;  // well inside L1/L2
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  for (size_t done = 0; done < size; done += kTile) {
    const size_t n = std::min(kTile, size - done);
    std::memcpy(d + done, s + done, n);
    Update(d + done, n);
  }
}

uint64_t StreamChecksum::Digest() const {
  uint64_t h = total_bytes_ * kMul;
  for (int i = 0; i < 4; ++i) h = Fold(h, lanes_[i]);
  unsigned char tail[32] = {0};
  std::memcpy(tail, pending_, pending_size_);
  for (int i = 0; i < 4; ++i) h = Fold(h, LoadLittleEndian64(tail + 8 * i));
  return SplitMix64(h);
}

}  // namespace rlzero
