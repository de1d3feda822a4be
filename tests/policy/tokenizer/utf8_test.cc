// tests/policy/tokenizer/utf8_test.cc: UTF-8 validation and lossy repair.
// Golden values follow the WHATWG / Rust from_utf8_lossy rules (one U+FFFD
// per maximal invalid subpart).
#include "policy/tokenizer/utf8.h"

#include <gtest/gtest.h>

namespace rlzero::tokenizer_internal {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8Test, ValidatesWellFormedText) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE4\xBD\xA0 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
}

TEST(Utf8Test, RepairReplacesMaximalInvalidSubparts) {
  EXPECT_EQ(RepairUtf8("a\xFF"
                       "b"),
            "a" + kFffd + "b");
  EXPECT_EQ(RepairUtf8("x\xE2\x82"), "x" + kFffd);   // one truncated sequence
  EXPECT_EQ(RepairUtf8("\xC0\xAF"), kFffd + kFffd);  // two invalid bytes
  EXPECT_EQ(RepairUtf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
}

TEST(Utf8Test, EncodesAndDecodesCodePoints) {
  for (uint32_t cp : {0x24u, 0xA2u, 0x20ACu, 0x10348u}) {
    std::string s;
    AppendCodePoint(cp, &s);
    ASSERT_EQ(ValidSequenceLength(s, 0), s.size());
    EXPECT_EQ(DecodeAt(s, 0, s.size()), cp);
  }
  std::string euro;
  AppendCodePoint(0x20AC, &euro);
  EXPECT_EQ(euro, "\xE2\x82\xAC");
}

}  // namespace
}  // namespace rlzero::tokenizer_internal
