// policy/tokenizer/word_cache.cc: see word_cache.h.
#include "policy/tokenizer/word_cache.h"

#include <cstring>
#include <mutex>

namespace rlzero::tokenizer_internal {

WordCache::WordCache(size_t max_entries) : max_entries_(max_entries) {
  slots_.resize(1 << 12);
  mask_ = slots_.size() - 1;
}

uint64_t WordCache::Hash(std::string_view s) {
  // FNV-1a, then a final mix so the low bits (the slot index) depend on all bytes.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 32;
  return h;
}

size_t WordCache::Probe(std::string_view word, uint64_t h) const {
  for (size_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (!s.used) return i;
    if (s.hash == h && s.key_len == word.size() &&
        std::memcmp(keys_.data() + s.key_off, word.data(), word.size()) == 0)
      return i;
  }
}

bool WordCache::Lookup(std::string_view word, std::vector<int32_t>* ids) const {
  uint64_t h = Hash(word);
  std::shared_lock<std::shared_mutex> lock(mu_);
  const Slot& s = slots_[Probe(word, h)];
  if (!s.used) return false;
  ids->insert(ids->end(), values_.begin() + s.val_off, values_.begin() + s.val_off + s.val_len);
  return true;
}

void WordCache::Grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot());
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.used) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].used) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void WordCache::Insert(std::string_view word, const int32_t* ids, size_t n) {
  uint64_t h = Hash(word);
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (size_ >= max_entries_) return;
  if (keys_.size() + word.size() > UINT32_MAX || values_.size() + n > UINT32_MAX) return;
  size_t i = Probe(word, h);
  if (slots_[i].used) return;
  Slot& s = slots_[i];
  s.used = true;
  s.hash = h;
  s.key_off = static_cast<uint32_t>(keys_.size());
  s.key_len = static_cast<uint32_t>(word.size());
  s.val_off = static_cast<uint32_t>(values_.size());
  s.val_len = static_cast<uint32_t>(n);
  keys_.append(word.data(), word.size());
  values_.insert(values_.end(), ids, ids + n);
  if (++size_ * 2 > slots_.size()) Grow();
}

size_t WordCache::size() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return size_;
}

}  // namespace rlzero::tokenizer_internal
