// tests/policy/tokenizer/load_mutation_test.cc: a seeded mutation test of
// Tokenizer::Load. A small but complete tokenizer.json (every supported
// section) is mutated at random (a node replaced by null, a negative or huge
// number, a string, an empty array or object; a key dropped) and loaded:
// Load must return OK or an error Status, never throw or crash, and a loaded
// tokenizer must encode and decode without crashing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "policy/tokenizer/tokenizer.h"
#include "tests/policy/tokenizer/test_files.h"

namespace rlzero {
namespace {

using nlohmann::json;

json BaseFile() {
  return json::parse(R"({
    "version": "1.0",
    "added_tokens": [
      {"id": 10, "content": "<s>", "single_word": false, "lstrip": true, "rstrip": false,
       "normalized": false, "special": true},
      {"id": 11, "content": "<t>", "single_word": true, "lstrip": false, "rstrip": true,
       "normalized": true, "special": false}],
    "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}]},
    "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
      {"type": "Split", "pattern": {"Regex": "\\p{N}{1,3}| ?\\p{L}+|\\s+(?!\\S)|\\s+|."},
       "behavior": "Isolated", "invert": false},
      {"type": "Digits", "individual_digits": false},
      {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}]},
    "post_processor": {"type": "TemplateProcessing",
      "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
      "special_tokens": {"<s>": {"id": "<s>", "ids": [10], "tokens": ["<s>"]}}},
    "decoder": {"type": "ByteLevel"},
    "model": {"type": "BPE", "dropout": null, "unk_token": null, "fuse_unk": false,
      "byte_fallback": false, "ignore_merges": false,
      "vocab": {"a": 0, "b": 1, "1": 2, "2": 3, "ab": 4, "12": 5, "Ġ": 6, "Ġa": 7, "<": 8, ">": 9},
      "merges": ["a b", ["1", "2"], "Ġ a"]}
  })");
}

// Every node of the tree, by JSON pointer.
void Collect(const json& j, const json::json_pointer& at, std::vector<json::json_pointer>* out) {
  out->push_back(at);
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it) Collect(it.value(), at / it.key(), out);
  else if (j.is_array())
    for (size_t i = 0; i < j.size(); ++i) Collect(j[i], at / i, out);
}

TEST(TokenizerLoadMutationTest, MutatedFilesNeverCrash) {
  std::mt19937_64 rng(20261123);
  const json replacements[] = {nullptr,
                               -1,
                               json(int64_t{1} << 40),
                               3.5,
                               "x",
                               "",
                               json::array(),
                               json::object(),
                               true,
                               json(uint64_t{18446744073709551615ULL})};
  int loaded = 0, rejected = 0;
  for (int iter = 0; iter < 600; ++iter) {
    json doc = BaseFile();
    int n_mutations = 1 + static_cast<int>(rng() % 3);
    for (int m = 0; m < n_mutations; ++m) {
      std::vector<json::json_pointer> nodes;
      Collect(doc, json::json_pointer(), &nodes);
      const auto& at = nodes[rng() % nodes.size()];
      if (at.empty()) continue;
      if (rng() % 4 == 0 && doc.at(at.parent_pointer()).is_object()) {
        doc.at(at.parent_pointer()).erase(at.back());
      } else {
        doc.at(at) = replacements[rng() % (sizeof(replacements) / sizeof(replacements[0]))];
      }
    }
    std::string path = testing::WriteTempFile("mutated.json", doc.dump());
    auto t = Tokenizer::Load(path);  // an exception here fails the test
    if (!t.ok()) {
      ++rejected;
      EXPECT_FALSE(t.status().message().empty());
      continue;
    }
    ++loaded;
    auto ids = t.value()->Encode("ab 12 <s>a<t> \xC3\xA9 123456", true);
    t.value()->Decode(ids);
    t.value()->Decode({-5, 0, 1 << 30}, true);
  }
  // Both outcomes happen (the mutations are neither all fatal nor all harmless).
  EXPECT_GT(loaded, 40);
  EXPECT_GT(rejected, 40);
}

}  // namespace
}  // namespace rlzero
