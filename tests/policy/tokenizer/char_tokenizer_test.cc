// tests/policy/tokenizer/char_tokenizer_test.cc: WriteCharTokenizer writes an
// ordinary HF tokenizer.json that Tokenizer::Load reads back. Golden ids
// follow the documented layout (specials, <unk>, then alphabet order).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "policy/tokenizer/tokenizer.h"

namespace rlzero {
namespace {

using Ids = std::vector<int32_t>;

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/" + name;
  std::string cmd = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

TEST(CharTokenizerTest, WritesALoadableHfFile) {
  std::string dir = FreshDir("char_tok");
  ASSERT_TRUE(WriteCharTokenizer(dir, "abc ab", {"<pad>", "<eos>"}).ok());
  std::ifstream in(dir + "/tokenizer.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = nlohmann::json::parse(ss.str());
  EXPECT_EQ(doc["model"]["type"], "BPE");
  EXPECT_EQ(doc["model"]["unk_token"], "<unk>");
  EXPECT_TRUE(doc["model"]["merges"].empty());
  EXPECT_EQ(doc["added_tokens"].size(), 3u);
  EXPECT_EQ(doc["added_tokens"][1]["content"], "<eos>");
  EXPECT_EQ(doc["added_tokens"][1]["special"], true);
  EXPECT_EQ(doc["model"]["vocab"]["a"], 3);
  EXPECT_EQ(doc["model"]["vocab"][" "], 6);

  auto t = Tokenizer::Load(dir);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Tokenizer& tok = *t.value();
  EXPECT_EQ(tok.vocab_size(), 7);
  EXPECT_EQ(tok.Encode("ab c"), (Ids{3, 4, 6, 5}));
  EXPECT_EQ(tok.Encode("abz"), (Ids{3, 4, 2}));  // z -> <unk>
  EXPECT_EQ(tok.Encode("a<eos>"), (Ids{3, 1}));  // special split out
  EXPECT_EQ(tok.Encode("\xC3\xA9"), (Ids{2}));   // one <unk> per character
  EXPECT_EQ(tok.Decode({3, 4, 6, 1}), "ab <eos>");
  EXPECT_EQ(tok.Decode({3, 4, 6, 1}, /*skip_special_tokens=*/true), "ab ");
  EXPECT_EQ(tok.TokenToId("<pad>"), 0);
  // No tokenizer_config.json: conventional names give eos / pad.
  EXPECT_EQ(tok.eos_id(), 1);
  EXPECT_EQ(tok.pad_id(), 0);
  EXPECT_FALSE(tok.bos_id().has_value());
  const std::string text = "cab a bc";
  EXPECT_EQ(tok.Decode(tok.Encode(text)), text);
}

TEST(CharTokenizerTest, ExplicitUnkIsKeptAndMultibyteCharsWork) {
  std::string dir = FreshDir("char_tok2");
  ASSERT_TRUE(
      WriteCharTokenizer(dir + "/tokenizer.json", "\xCE\xB1\xCE\xB2+", {"<unk>", "<s>"}).ok());
  auto t = Tokenizer::Load(dir + "/tokenizer.json");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t.value()->vocab_size(), 5);
  EXPECT_EQ(t.value()->Encode("\xCE\xB2+\xCE\xB1?"), (Ids{3, 4, 2, 0}));
  EXPECT_EQ(t.value()->bos_id(), 1);
}

TEST(CharTokenizerTest, RejectsBadInput) {
  std::string dir = FreshDir("char_tok3");
  EXPECT_FALSE(WriteCharTokenizer(dir, "", {}).ok());
  EXPECT_FALSE(WriteCharTokenizer(dir, "ab\xFF", {}).ok());
  EXPECT_FALSE(WriteCharTokenizer(dir, "ab", {"<s>", "<s>"}).ok());
  EXPECT_FALSE(WriteCharTokenizer(dir, "ab", {""}).ok());
  EXPECT_FALSE(WriteCharTokenizer(dir + "/no/such/dir/tokenizer.json", "ab", {}).ok());
}

}  // namespace
}  // namespace rlzero
