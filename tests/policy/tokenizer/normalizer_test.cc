// tests/policy/tokenizer/normalizer_test.cc: normalizer section parsing and
// Unicode forms. Golden values from the Unicode standard's decompositions
// (e + U+0301 <-> U+00E9; U+FB01 'ﬁ' is compatibility-equivalent to "fi").
#include "policy/tokenizer/normalizer.h"

#include <gtest/gtest.h>

namespace rlzero::tokenizer_internal {
namespace {

using nlohmann::json;

TEST(NormalizerTest, NfcComposesAndNfdDecomposes) {
  EXPECT_EQ(ApplyNormalization(Normalizer::Kind::kNfc, "cafe\xCC\x81"), "caf\xC3\xA9");
  EXPECT_EQ(ApplyNormalization(Normalizer::Kind::kNfd, "caf\xC3\xA9"), "cafe\xCC\x81");
  EXPECT_EQ(ApplyNormalization(Normalizer::Kind::kNfc, "\xEF\xAC\x81"), "\xEF\xAC\x81");
  EXPECT_EQ(ApplyNormalization(Normalizer::Kind::kNfkc, "\xEF\xAC\x81"), "fi");
  EXPECT_EQ(ApplyNormalization(Normalizer::Kind::kLowercase,
                               "\xC3\x80"
                               "B"),
            "\xC3\xA0"
            "b");
}

TEST(NormalizerTest, KeepsNulBytes) {
  std::string with_nul("a\0e\xCC\x81", 5);
  EXPECT_EQ(ApplyNormalization(Normalizer::Kind::kNfc, with_nul), std::string("a\0\xC3\xA9", 4));
}

TEST(NormalizerTest, ParsesSequencesAndNull) {
  auto none = Normalizer::FromJson(json(), "n");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value(), nullptr);
  auto empty = Normalizer::FromJson(json::parse(R"({"type":"Sequence","normalizers":[]})"), "n");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value(), nullptr);
  auto seq = Normalizer::FromJson(
      json::parse(R"({"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Lowercase"}]})"),
      "n");
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(seq.value()->Normalize("\xEF\xAC\x81X"), "fix");
}

TEST(NormalizerTest, UnknownTypeIsUnimplementedAndNamed) {
  auto r = Normalizer::FromJson(json::parse(R"({"type":"Precompiled"})"), "tok.json: normalizer");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(r.status().message().find("tok.json: normalizer"), std::string::npos);
  EXPECT_NE(r.status().message().find("Precompiled"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::tokenizer_internal
