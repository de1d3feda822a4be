// policy/tokenizer/bpe_model.h: the tokenizer.json "model" section of type
// BPE: a vocab (token string -> id), merges by rank ("a b" strings or
// ["a", "b"] pairs), and the merge loop that turns one pre-tokenized piece
// into ids.
//
// Two symbol alphabets:
//   - byte-level (Qwen2/3, Llama-3, DeepSeek-V3): a piece's initial symbols are
//     its raw bytes; vocab strings are read through GPT-2's byte <-> Unicode
//     table (byte_level.h), so the merge loop runs on bytes directly.
//   - character-level (no ByteLevel step): initial symbols are UTF-8
//     characters; a character missing from the vocab becomes unk_token (one
//     per character, or one per run with fuse_unk), or is dropped if the model
//     has no unk_token (as Hugging Face does).
// Merging repeatedly applies the lowest-rank adjacent pair, leftmost first
// among equal ranks (Hugging Face's order); O(n log n) in the piece length.
// ignore_merges (Llama-3): a piece that is itself a vocab token is taken whole.
// Encodings of pieces up to 256 bytes are cached (bounded, shared by threads).
// Non-goals: dropout, continuing_subword_prefix / end_of_word_suffix (rejected
// at load if set), byte_fallback (rejected), WordPiece/Unigram models.
// Thread safety: immutable after FromJson except the cache, which is guarded
// by a shared mutex; EncodePiece is safe to call from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "policy/tokenizer/pair_table.h"
#include "policy/tokenizer/word_cache.h"

namespace rlzero::tokenizer_internal {

// Ids above this are rejected at load (real vocabularies stay below 2^20):
// the per-id tables must stay small whatever a file claims.
constexpr int64_t kMaxTokenId = (int64_t{1} << 22) - 1;

class BpeModel {
 public:
  // byte_level: pieces are raw bytes and vocab strings use the byte-level table.
  static StatusOr<std::unique_ptr<BpeModel>> FromJson(const nlohmann::json& j, bool byte_level,
                                                      const std::string& where);

  // Appends the ids of one piece to *ids. use_cache=false bypasses the word
  // cache (benchmark baseline).
  void EncodePiece(std::string_view piece, std::vector<int32_t>* ids, bool use_cache = true) const;

  // Vocab as written in the file (byte-level strings for byte-level models).
  const std::unordered_map<std::string, int32_t>& vocab() const { return vocab_; }
  // Token string of id, or nullptr if id is not in the vocab.
  const std::string* IdToToken(int32_t id) const;
  bool byte_level() const { return byte_level_; }
  int64_t max_id() const { return max_id_; }

 private:
  void Merge(std::string_view piece, std::vector<int32_t>* ids) const;
  // Initial symbol ids of piece (character-level); false if a symbol is unknown
  // and dropped.
  void InitialSymbols(std::string_view piece, std::vector<int32_t>* syms) const;

  bool byte_level_ = false;
  bool ignore_merges_ = false;
  bool fuse_unk_ = false;
  std::optional<int32_t> unk_id_;
  std::unordered_map<std::string, int32_t> vocab_;      // file strings
  std::unordered_map<std::string, int32_t> raw_vocab_;  // byte-level: raw bytes -> id
  std::vector<const std::string*> id_to_token_;         // into vocab_ keys
  int32_t byte_ids_[256];                               // byte-level: id of each byte
  PairTable merges_;                                    // (left, right) -> (rank, id)
  int64_t max_id_ = -1;

  // Word cache: piece bytes -> ids, for pieces up to 256 bytes.
  static constexpr size_t kMaxCachedPieceBytes = 256;
  mutable WordCache cache_{1 << 18};
};

}  // namespace rlzero::tokenizer_internal
