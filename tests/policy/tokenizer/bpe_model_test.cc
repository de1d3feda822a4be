// tests/policy/tokenizer/bpe_model_test.cc: the BPE merge loop on small
// hand-made tokenizer.json files. Golden ids are worked out by hand from the
// merge ranks (lowest rank first, leftmost among equal ranks).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "policy/tokenizer/tokenizer.h"
#include "tests/policy/tokenizer/test_files.h"

namespace rlzero {
namespace {

using nlohmann::json;
using Ids = std::vector<int32_t>;

std::unique_ptr<Tokenizer> LoadJson(const std::string& name, const json& model,
                                    const json& pre_tokenizer = nullptr,
                                    const json& decoder = {{"type", "Fuse"}}) {
  json doc = {{"version", "1.0"},
              {"added_tokens", json::array()},
              {"normalizer", nullptr},
              {"pre_tokenizer", pre_tokenizer},
              {"post_processor", nullptr},
              {"decoder", decoder},
              {"model", model}};
  auto t = Tokenizer::Load(testing::WriteTempFile(name, doc.dump()));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : nullptr;
}

json Model(const json& vocab, const json& merges, bool ignore_merges = false) {
  return {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}, {"ignore_merges", ignore_merges}};
}

const json kAbcVocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}, {"abc", 5}};

TEST(BpeModelTest, AppliesMergesByRank) {
  // a b (0) first, then ab c (2): one token.
  auto t = LoadJson("rank1.json", Model(kAbcVocab, {"a b", "b c", "ab c"}));
  EXPECT_EQ(t->Encode("abc"), (Ids{5}));
  // b c (0) first; "a bc" is no merge: two tokens.
  auto u = LoadJson("rank2.json", Model(kAbcVocab, {"b c", "a b", "ab c"}));
  EXPECT_EQ(u->Encode("abc"), (Ids{0, 4}));
}

TEST(BpeModelTest, PairMergesEqualStringMerges) {
  auto s = LoadJson("str.json", Model(kAbcVocab, {"a b", "b c", "ab c"}));
  auto p = LoadJson("pair.json",
                    Model(kAbcVocab, json::array({json::array({"a", "b"}), json::array({"b", "c"}),
                                                  json::array({"ab", "c"})})));
  for (const char* text : {"abc", "cba", "abcabc", "bcab"})
    EXPECT_EQ(s->Encode(text), p->Encode(text));
}

TEST(BpeModelTest, EqualRanksMergeLeftmostFirst) {
  auto t = LoadJson("aa.json", Model({{"a", 0}, {"aa", 1}}, {"a a"}));
  EXPECT_EQ(t->Encode("aaa"), (Ids{1, 0}));
  EXPECT_EQ(t->Encode("aaaa"), (Ids{1, 1}));
  EXPECT_EQ(t->Encode("aaaaa"), (Ids{1, 1, 0}));
}

TEST(BpeModelTest, IgnoreMergesTakesWholeVocabWords) {
  json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"abc", 4}};
  EXPECT_EQ(LoadJson("im1.json", Model(vocab, {"a b"}, true))->Encode("abc"), (Ids{4}));
  EXPECT_EQ(LoadJson("im0.json", Model(vocab, {"a b"}, false))->Encode("abc"), (Ids{3, 2}));
}

TEST(BpeModelTest, ByteLevelModelWorksOnBytes) {
  // "Ġ" is the byte-level form of a space.
  json vocab = {{"a", 0},
                {"\xC4\xA0", 1},
                {"\xC4\xA0"
                 "a",
                 2},
                {"b", 3}};
  json pre = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  auto t = LoadJson("bl.json", Model(vocab, {"\xC4\xA0 a"}), pre, {{"type", "ByteLevel"}});
  EXPECT_EQ(t->Encode("a a b"), (Ids{0, 2, 1, 3}));
  EXPECT_EQ(t->Decode({0, 2, 1, 3}), "a a b");
}

TEST(BpeModelTest, LongPieceIsLinearithmicNotQuadratic) {
  // 200k identical symbols: a quadratic merge loop would take minutes.
  auto t = LoadJson("long.json", Model({{"a", 0}, {"aa", 1}, {"aaaa", 2}}, {"a a", "aa aa"}));
  std::vector<int32_t> ids = t->Encode(std::string(200000, 'a'));
  EXPECT_EQ(ids, Ids(50000, 2));
}

TEST(BpeModelTest, NoDecoderJoinsTokensWithSpaces) {
  auto t = LoadJson("nodec.json", Model(kAbcVocab, json::array()), nullptr, nullptr);
  EXPECT_EQ(t->Decode({0, 1, 2}), "a b c");
}

TEST(BpeModelTest, BadFilesGiveErrorsNamingThePlace) {
  json doc = {{"model", Model(kAbcVocab, {"a x"})}};
  auto r = Tokenizer::Load(testing::WriteTempFile("badmerge.json", doc.dump()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("model.merges[0]"), std::string::npos)
      << r.status().message();
  auto missing = Tokenizer::Load(::testing::TempDir() + "/does-not-exist.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("does-not-exist.json"), std::string::npos);
  auto not_json = Tokenizer::Load(testing::WriteTempFile("notjson.json", "{\"model\": [1,"));
  ASSERT_FALSE(not_json.ok());
  EXPECT_NE(not_json.status().message().find("not valid JSON"), std::string::npos);
  json huge_id = {{"model", Model({{"a", 2000000000}}, json::array())}};
  auto huge = Tokenizer::Load(testing::WriteTempFile("huge.json", huge_id.dump()));
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("out of range"), std::string::npos);
  json wordpiece = {{"model", {{"type", "WordPiece"}, {"vocab", json::object()}}}};
  auto wp = Tokenizer::Load(testing::WriteTempFile("wp.json", wordpiece.dump()));
  ASSERT_FALSE(wp.ok());
  EXPECT_EQ(wp.status().code(), StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace rlzero

namespace rlzero {
namespace {

// A Llama-3-shaped file: Llama-3's Split regex (digits in groups of up to
// three), ByteLevel without regex, ignore_merges, and a TemplateProcessing
// post-processor that prepends <|begin_of_text|>. Ids worked out by hand.
TEST(BpeModelTest, Llama3StyleFile) {
  json vocab = {{"1", 0},
                {"2", 1},
                {"3", 2},
                {"4", 3},
                {"5", 4},
                {"12", 5},
                {"123", 6},
                {"a", 7},
                {"\xC4\xA0", 8},
                {"\xC4\xA0"
                 "a",
                 9}};
  json doc = {
      {"added_tokens", json::array({{{"id", 100},
                                     {"content", "<|begin_of_text|>"},
                                     {"single_word", false},
                                     {"lstrip", false},
                                     {"rstrip", false},
                                     {"normalized", false},
                                     {"special", true}}})},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "Sequence"},
        {"pretokenizers",
         json::array(
             {{{"type", "Split"},
               {"pattern",
                {{"Regex",
                  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
                  "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}}},
               {"behavior", "Isolated"},
               {"invert", false}},
              {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}})}}},
      {"post_processor",
       {{"type", "Sequence"},
        {"processors",
         json::array({{{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}},
                      {{"type", "TemplateProcessing"},
                       {"single", json::array({{{"SpecialToken",
                                                 {{"id", "<|begin_of_text|>"}, {"type_id", 0}}}},
                                               {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
                       {"special_tokens",
                        {{"<|begin_of_text|>",
                          {{"id", "<|begin_of_text|>"},
                           {"ids", {100}},
                           {"tokens", {"<|begin_of_text|>"}}}}}}}})}}},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model",
       {{"type", "BPE"},
        {"vocab", vocab},
        {"merges", {"1 2", "\xC4\xA0 a"}},
        {"ignore_merges", true}}}};
  auto t = Tokenizer::Load(testing::WriteTempFile("llama3.json", doc.dump()));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // "12345" -> pieces "123" (whole vocab word: ignore_merges) and "45".
  EXPECT_EQ(t.value()->Encode("12345"), (Ids{6, 3, 4}));
  EXPECT_EQ(t.value()->Encode("12345 a", /*add_special_tokens=*/true), (Ids{100, 6, 3, 4, 9}));
  EXPECT_EQ(t.value()->Decode({100, 6, 3, 4, 9}, /*skip_special_tokens=*/true), "12345 a");
  EXPECT_EQ(t.value()->bos_id(), 100);  // no config files: conventional name
}

}  // namespace
}  // namespace rlzero
