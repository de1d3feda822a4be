// tests/policy/tokenizer/byte_level_test.cc: GPT-2's byte <-> Unicode table.
// Golden values from GPT-2's bytes_to_unicode (space -> 'Ġ' U+0120, newline
// -> 'Ċ' U+010A, soft hyphen 0xAD -> 'Ń' U+0143, printable ASCII unchanged).
#include "policy/tokenizer/byte_level.h"

#include <gtest/gtest.h>

namespace rlzero::tokenizer_internal {
namespace {

TEST(ByteLevelTest, KnownMappings) {
  EXPECT_EQ(ByteToCodePoint(' '), 0x120u);
  EXPECT_EQ(ByteToCodePoint('\n'), 0x10Au);
  EXPECT_EQ(ByteToCodePoint('A'), 0x41u);
  EXPECT_EQ(ByteToCodePoint(0xAD), 0x143u);
  EXPECT_EQ(ByteToCodePoint(0x00), 0x100u);
  EXPECT_EQ(BytesToByteLevel(" the\n"), "\xC4\xA0the\xC4\x8A");  // "Ġthe" + "Ċ"
}

TEST(ByteLevelTest, RoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  auto back = ByteLevelToBytes(BytesToByteLevel(all));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, all);
}

TEST(ByteLevelTest, RejectsCharactersOutsideTheTable) {
  EXPECT_FALSE(ByteLevelToBytes("\xE4\xBD\xA0").has_value());  // U+4F60
  EXPECT_FALSE(ByteLevelToBytes(" ").has_value());             // raw space is not in the table
}

}  // namespace
}  // namespace rlzero::tokenizer_internal
