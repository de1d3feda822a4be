// rollout/kv_cache.h: the preallocated key/value cache of the rollout engine,
// implementing policy/causal_lm.h's KvCache hook.
//
// Storage: per layer one K and one V tensor [slots, Hkv, max_len, D],
// allocated once (zeros). A slot holds one sequence; its length is the number
// of valid positions [0, length). Per slot the cache also keeps the boolean
// key mask those lengths imply, so a decode step passes a view, not a new
// tensor, as attention mask.
//
// One forward over rows [first, first + count) of the slot range:
//   BeginStep(first, count, T) -> positions() [count, T] and mask()
//   [count, 1, T, S] (row b, query t sees key s iff s <= length_b + t), where
//   S = max_b(length_b) + T; model.Forward(...) calls Append(layer, k, v) per
//   layer, which writes k, v [count, Hkv, T, D] at positions
//   [length_b, length_b + T) of each row's slot and returns views
//   [count, Hkv, S, D] of the storage (no copy); EndStep(valid) then grows
//   each row's length by valid[b] (<= T: prefill of prompts of different
//   lengths pads on the right; padded writes are never made visible).
// Positions past a slot's length hold stale but finite values; the mask hides
// them.
// Static decode (BeginStaticDecode): a decode step over rows [0, count) that
// attends over exactly `visible` keys and writes every row at its own
// position through the preallocated position buffer. Every tensor the step's
// forward touches is then a fixed view of preallocated storage, and every op
// it issues depends only on (count, visible): the precondition for capturing
// the step once as a CUDA graph and replaying it (rollout/static_decoder.h).
// Slot management: Fork copies a prefix of one slot to others (n samples of a
// prompt), Move relocates a slot (the scheduler keeps live slots contiguous),
// Free empties one, CopyPrefixOut/In save a prompt's prefix outside the slots.
// Non-goals: paging, prefix sharing without copy, eviction.
// Thread safety: none; one engine drives one cache.
// Shapes: Hkv key/value heads, D head dim, S visible key length, T new tokens.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "base/status.h"
#include "policy/causal_lm.h"

namespace rlzero {

struct KvCacheShape {
  int64_t num_layers = 0;
  int64_t num_slots = 0;
  int64_t max_len = 0;  // positions per slot
  int64_t num_kv_heads = 0;
  int64_t head_dim = 0;
  int64_t value_head_dim = -1;  // -1: head_dim (MLA models cache no values: 0)
  torch::Dtype dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;
};

// A saved prompt prefix: per layer K and V [Hkv, P, D].
struct KvPrefix {
  int64_t length = 0;
  std::vector<torch::Tensor> k, v;
};

class SlotKvCache : public KvCache {
 public:
  // INVALID_ARGUMENT on non-positive sizes; RESOURCE_EXHAUSTED if allocation fails.
  static StatusOr<std::unique_ptr<SlotKvCache>> Create(const KvCacheShape& shape);

  const KvCacheShape& shape() const { return shape_; }
  int64_t length(int64_t slot) const { return lengths_[slot]; }

  // Starts a forward over slots [first, first + count) adding T tokens each.
  // Requires length + T <= max_len for every row (checked; Status on failure).
  Status BeginStep(int64_t first, int64_t count, int64_t new_tokens);
  // A decode step (T = 1) over rows [0, count) with S = visible keys; needs
  // length + 1 <= visible <= max_len for every row (Status on failure). Rows
  // may be free slots (length 0): they write position 0 and see only it, and
  // EndStep with valid 0 empties them again.
  Status BeginStaticDecode(int64_t count, int64_t visible);
  // [count, T] int64 RoPE positions (length_b + t) of the current step.
  const torch::Tensor& positions() const { return step_positions_; }
  // [count, 1, T, S] bool of the current step.
  const torch::Tensor& mask() const { return step_mask_; }
  std::pair<torch::Tensor, torch::Tensor> Append(int layer, const torch::Tensor& k,
                                                 const torch::Tensor& v) override;
  // valid: count entries, each in [0, T]; null = all T.
  void EndStep(const int64_t* valid = nullptr);

  // Copies positions [0, len) of slot src into each dst and sets their length.
  void Fork(int64_t src, const std::vector<int64_t>& dsts, int64_t len);
  // Moves slot src's contents and length to dst; src becomes empty.
  void Move(int64_t src, int64_t dst);
  void Free(int64_t slot);
  KvPrefix CopyPrefixOut(int64_t slot) const;
  void CopyPrefixIn(const KvPrefix& prefix, int64_t slot);

 private:
  explicit SlotKvCache(const KvCacheShape& shape) : shape_(shape) {}
  void SetLength(int64_t slot, int64_t len);
  // Decode part of BeginStep: write positions and newly visible keys of rows
  // [first, first + count) into the preallocated buffers.
  void PrepareDecodeRows(int64_t first, int64_t count);

  KvCacheShape shape_;
  std::vector<torch::Tensor> k_, v_;  // per layer [slots, Hkv, max_len, D]
  torch::Tensor key_mask_;            // [slots, 1, 1, max_len] bool, true below length
  std::vector<int64_t> lengths_;      // per slot
  torch::Tensor positions_buf_;       // [slots] int64 (CPU or device), decode write positions
  torch::Tensor row_index_;           // [slots] int64 arange

  // Current step.
  int64_t first_ = 0, count_ = 0, new_tokens_ = 0, visible_ = 0;
  bool same_start_ = true;
  torch::Tensor step_positions_, step_mask_, step_write_pos_;
};

}  // namespace rlzero
