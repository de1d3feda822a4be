// policy/tokenizer/word_cache.h: the BPE word cache, piece bytes -> ids, so a
// word seen before ("Ġthe", "Ġ\\frac") costs one hash lookup instead of a merge
// loop. Open addressing over flat arenas (no per-entry allocation); bounded:
// once max_entries are stored, new words are simply not cached (as Hugging
// Face's cache does), so memory stays bounded on any input.
// Thread safety: Lookup and Insert may be called from many threads (a shared
// mutex: lookups share it, inserts take it exclusively).
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rlzero::tokenizer_internal {

class WordCache {
 public:
  explicit WordCache(size_t max_entries);
  // Appends the cached ids of word to *ids and returns true, or returns false.
  bool Lookup(std::string_view word, std::vector<int32_t>* ids) const;
  // Caches word -> ids (ignored if present or full).
  void Insert(std::string_view word, const int32_t* ids, size_t n);
  size_t size() const;

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_off = 0, key_len = 0;
    uint32_t val_off = 0, val_len = 0;
    bool used = false;
  };
  static uint64_t Hash(std::string_view s);
  // Index of word's slot, or of the empty slot where it would go.
  size_t Probe(std::string_view word, uint64_t h) const;
  void Grow();

  const size_t max_entries_;
  mutable std::shared_mutex mu_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  std::string keys_;
  std::vector<int32_t> values_;
};

}  // namespace rlzero::tokenizer_internal
