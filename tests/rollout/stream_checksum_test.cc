// tests/rollout/stream_checksum_test.cc: the weight-stream checksum does not
// depend on how the stream is cut, changes with any byte, with order and with
// length, and matches known digests (computed by an independent Python
// implementation of the algorithm in the header; they pin the wire format).
#include "rollout/stream_checksum.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace rlzero {
namespace {

uint64_t DigestOf(const std::vector<unsigned char>& bytes) {
  StreamChecksum c;
  c.Update(bytes.data(), bytes.size());
  return c.Digest();
}

std::vector<unsigned char> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<unsigned char> out(n);
  for (auto& b : out) b = static_cast<unsigned char>(rng());
  return out;
}

TEST(StreamChecksumTest, MatchesKnownDigests) {
  std::vector<unsigned char> counting(100);
  for (int i = 0; i < 100; ++i) counting[i] = static_cast<unsigned char>(i);
  const std::string word = "rlzero";
  EXPECT_EQ(DigestOf({}), 0xc6914e1657706586ull);
  EXPECT_EQ(DigestOf(counting), 0x849602dd8cc29e6cull);
  EXPECT_EQ(DigestOf({word.begin(), word.end()}), 0xaaa4ac53941d5592ull);
}

TEST(StreamChecksumTest, CuttingTheStreamDoesNotChangeTheDigest) {
  const auto bytes = RandomBytes(10007, 1);
  const uint64_t whole = DigestOf(bytes);
  std::mt19937 rng(2);
  for (int trial = 0; trial < 50; ++trial) {
    StreamChecksum c;
    size_t at = 0;
    while (at < bytes.size()) {
      size_t n = std::min<size_t>(rng() % 97, bytes.size() - at);  // includes empty pieces
      c.Update(bytes.data() + at, n);
      at += n;
    }
    EXPECT_EQ(c.Digest(), whole) << "trial " << trial;
  }
}

TEST(StreamChecksumTest, AnyChangedByteOrderOrLengthChangesTheDigest) {
  const auto bytes = RandomBytes(257, 3);
  const uint64_t base = DigestOf(bytes);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto flipped = bytes;
    flipped[i] ^= 0x01;
    EXPECT_NE(DigestOf(flipped), base) << "byte " << i;
  }
  auto swapped = bytes;  // two 32-byte blocks exchanged: same words, other order
  std::swap_ranges(swapped.begin(), swapped.begin() + 32, swapped.begin() + 32);
  EXPECT_NE(DigestOf(swapped), base);
  auto truncated = bytes;
  truncated.pop_back();
  EXPECT_NE(DigestOf(truncated), base);
  auto zero_padded = bytes;  // the tail is zero-padded internally: length must count
  zero_padded.push_back(0);
  EXPECT_NE(DigestOf(zero_padded), base);
}

}  // namespace
}  // namespace rlzero
