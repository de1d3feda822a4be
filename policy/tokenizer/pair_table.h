// policy/tokenizer/pair_table.h: BPE merge lookup, (left id, right id) ->
// (rank, merged id), as an open-addressing table (linear probing, power-of-
// two size, load <= 1/2). It replaces std::unordered_map, whose modulo and
// node chasing dominated the merge loop.
// Non-goals: erase, resize after Build.
// Thread safety: immutable after building; Find is safe from many threads.
#pragma once

#include <cstdint>
#include <vector>

namespace rlzero::tokenizer_internal {

class PairTable {
 public:
  struct Value {
    int32_t rank;
    int32_t id;
  };
  // Prepares for n insertions.
  void Reserve(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n + 1) cap <<= 1;
    slots_.assign(cap, Slot{kEmpty, {0, 0}});
    mask_ = cap - 1;
    size_ = 0;
  }
  // Inserts if absent (the first insertion of a key wins). Reserve first.
  void Insert(int32_t left, int32_t right, Value v) {
    uint64_t key = Key(left, right);
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == kEmpty) {
        slots_[i] = {key, v};
        ++size_;
        return;
      }
      if (slots_[i].key == key) return;
    }
  }
  // nullptr if the pair is not a merge.
  const Value* Find(int32_t left, int32_t right) const {
    if (size_ == 0) return nullptr;
    uint64_t key = Key(left, right);
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }
  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};  // ids are >= 0, so never a real key
  struct Slot {
    uint64_t key;
    Value value;
  };
  static uint64_t Key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  static size_t Hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace rlzero::tokenizer_internal
