// policy/tokenizer/byte_level.cc: see byte_level.h.
#include "policy/tokenizer/byte_level.h"

#include <array>

#include "policy/tokenizer/utf8.h"

namespace rlzero::tokenizer_internal {
namespace {

struct Tables {
  std::array<uint32_t, 256> byte_to_cp{};
  std::array<int, 324> cp_to_byte{};  // code points used are < 256 + 68
  Tables() {
    cp_to_byte.fill(-1);
    auto printable = [](int b) {
      return (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    };
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      byte_to_cp[b] = printable(b) ? static_cast<uint32_t>(b) : next++;
      cp_to_byte[byte_to_cp[b]] = b;
    }
  }
};

const Tables& T() {
  static const Tables tables;
  return tables;
}

}  // namespace

uint32_t ByteToCodePoint(uint8_t b) { return T().byte_to_cp[b]; }

int CodePointToByte(uint32_t cp) { return cp < T().cp_to_byte.size() ? T().cp_to_byte[cp] : -1; }

std::string BytesToByteLevel(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) AppendCodePoint(ByteToCodePoint(b), &out);
  return out;
}

std::optional<std::string> ByteLevelToBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = ValidSequenceLength(text, i);
    if (n == 0) return std::nullopt;
    int b = CodePointToByte(DecodeAt(text, i, n));
    if (b < 0) return std::nullopt;
    out.push_back(static_cast<char>(b));
    i += n;
  }
  return out;
}

}  // namespace rlzero::tokenizer_internal
