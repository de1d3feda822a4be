// policy/tokenizer/added_vocabulary.h: the tokenizer.json "added_tokens"
// (special tokens such as <|im_start|>, and added ones such as <think>), which
// are cut out of the text before normalization / BPE so they always encode to
// their single id.
// Matching is leftmost-longest over a byte trie (as Hugging Face's
// Aho-Corasick with LeftmostLongest). Flags, as tokenizer.json sets them:
//   normalized=false: matched in the raw text; true: in the normalized text
//   lstrip / rstrip: the whitespace left / right of the match is swallowed
//   single_word: only matches when not inside a word (no alphanumeric or '_'
//                character directly before or after)
// Non-goals: offsets; a failed single_word match is not retried with a
// shorter token at the same position.
// Thread safety: immutable after FromJson.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace rlzero::tokenizer_internal {

struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, normalized = false, special = false;
};

// A piece of text: either plain text (token_id < 0) or one added token.
struct Segment {
  std::string_view text;
  int32_t token_id = -1;
};

class AddedVocabulary {
 public:
  static StatusOr<AddedVocabulary> FromJson(const nlohmann::json& j, const std::string& where);

  // Cuts text into segments using the tokens whose `normalized` flag equals
  // `normalized`. Plain segments may be empty-free; order is preserved.
  void Split(std::string_view text, bool normalized, std::vector<Segment>* out) const;

  bool has_normalized() const { return has_normalized_; }
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  const AddedToken* FindById(int32_t id) const;
  const AddedToken* FindByContent(const std::string& content) const;

 private:
  struct Node {
    std::vector<std::pair<uint8_t, int32_t>> children;  // sorted by byte
    int32_t token = -1;                                 // index into tokens_
  };
  struct Trie {
    std::vector<Node> nodes{Node{}};
    std::array<int32_t, 256> root;  // children of the root, by byte (-1: none)
    Trie() { root.fill(-1); }
    void Insert(const std::string& s, int32_t token);
    int32_t Child(int32_t node, uint8_t b) const;
  };
  // Longest token matching at text[i] (index into tokens_), or -1.
  int32_t LongestAt(const Trie& trie, std::string_view text, size_t i, size_t* len) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<int32_t, int32_t> by_id_;
  std::unordered_map<std::string, int32_t> by_content_;
  Trie raw_trie_, normalized_trie_;
  bool has_normalized_ = false;
};

}  // namespace rlzero::tokenizer_internal
