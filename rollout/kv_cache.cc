// rollout/kv_cache.cc: SlotKvCache. Decode steps (T = 1) touch only views and
// preallocated buffers; prefill steps (T > 1) build their mask, which is once
// per prompt, not per token.
#include "rollout/kv_cache.h"

#include <algorithm>
#include <string>

namespace rlzero {

using torch::indexing::Slice;

StatusOr<std::unique_ptr<SlotKvCache>> SlotKvCache::Create(const KvCacheShape& shape) {
  if (shape.num_layers <= 0 || shape.num_slots <= 0 || shape.max_len <= 0 ||
      shape.num_kv_heads <= 0 || shape.head_dim <= 0) {
    return InvalidArgument(
        "kv cache: every size must be > 0 (layers " + std::to_string(shape.num_layers) +
        ", slots " + std::to_string(shape.num_slots) + ", max_len " +
        std::to_string(shape.max_len) + ", kv heads " + std::to_string(shape.num_kv_heads) +
        ", head_dim " + std::to_string(shape.head_dim) + ")");
  }
  std::unique_ptr<SlotKvCache> cache(new SlotKvCache(shape));
  try {
    auto opts = torch::TensorOptions().dtype(shape.dtype).device(shape.device);
    for (int64_t l = 0; l < shape.num_layers; ++l) {
      cache->k_.push_back(
          torch::zeros({shape.num_slots, shape.num_kv_heads, shape.max_len, shape.head_dim}, opts));
      const int64_t vd = shape.value_head_dim < 0 ? shape.head_dim : shape.value_head_dim;
      cache->v_.push_back(
          torch::zeros({shape.num_slots, shape.num_kv_heads, shape.max_len, vd}, opts));
    }
    auto dev = torch::TensorOptions().device(shape.device);
    cache->key_mask_ =
        torch::zeros({shape.num_slots, 1, 1, shape.max_len}, dev.dtype(torch::kBool));
    cache->positions_buf_ = torch::zeros({shape.num_slots}, dev.dtype(torch::kInt64));
    cache->row_index_ = torch::arange(shape.num_slots, dev.dtype(torch::kInt64));
  } catch (const c10::Error& e) {
    return ResourceExhausted("kv cache: allocating " + std::to_string(shape.num_slots) +
                             " slots x " + std::to_string(shape.max_len) +
                             " positions failed: " + e.what_without_backtrace());
  }
  cache->lengths_.assign(static_cast<size_t>(shape.num_slots), 0);
  return cache;
}

Status SlotKvCache::BeginStep(int64_t first, int64_t count, int64_t new_tokens) {
  if (first < 0 || count <= 0 || first + count > shape_.num_slots || new_tokens <= 0) {
    return InvalidArgument(
        "kv cache: bad step rows [" + std::to_string(first) + ", " + std::to_string(first + count) +
        ") of " + std::to_string(shape_.num_slots) + " slots, T = " + std::to_string(new_tokens));
  }
  int64_t max_len = 0, min_len = shape_.max_len;
  for (int64_t b = 0; b < count; ++b) {
    max_len = std::max(max_len, lengths_[first + b]);
    min_len = std::min(min_len, lengths_[first + b]);
  }
  if (max_len + new_tokens > shape_.max_len) {
    return OutOfRange("kv cache: a slot would hold " + std::to_string(max_len + new_tokens) +
                      " positions, capacity " + std::to_string(shape_.max_len));
  }
  first_ = first;
  count_ = count;
  new_tokens_ = new_tokens;
  visible_ = max_len + new_tokens;
  same_start_ = min_len == max_len;

  if (new_tokens == 1) {
    PrepareDecodeRows(first, count);
  } else {
    torch::Tensor start = torch::empty({count, 1}, torch::kInt64);
    for (int64_t b = 0; b < count; ++b) start[b][0] = lengths_[first + b];
    start = start.to(shape_.device);
    step_positions_ = start + torch::arange(new_tokens, start.options()).view({1, new_tokens});
    auto keys = torch::arange(visible_, start.options()).view({1, 1, visible_});
    step_mask_ = keys.le(step_positions_.unsqueeze(2)).unsqueeze(1);  // [count, 1, T, S]
  }
  return Status::Ok();
}

Status SlotKvCache::BeginStaticDecode(int64_t count, int64_t visible) {
  if (count <= 0 || count > shape_.num_slots || visible <= 0 || visible > shape_.max_len) {
    return InvalidArgument("kv cache: bad static decode step: " + std::to_string(count) +
                           " rows of " + std::to_string(shape_.num_slots) + " slots, " +
                           std::to_string(visible) + " visible keys of " +
                           std::to_string(shape_.max_len));
  }
  for (int64_t b = 0; b < count; ++b) {
    if (lengths_[b] + 1 > visible) {
      return OutOfRange("kv cache: slot " + std::to_string(b) + " holds " +
                        std::to_string(lengths_[b]) + " positions, a static step of " +
                        std::to_string(visible) + " visible keys cannot add one");
    }
  }
  first_ = 0;
  count_ = count;
  new_tokens_ = 1;
  visible_ = visible;
  same_start_ = false;  // always the per-row position write
  PrepareDecodeRows(0, count);
  return Status::Ok();
}

void SlotKvCache::PrepareDecodeRows(int64_t first, int64_t count) {
  // Positions and the newly visible key are written into the preallocated
  // buffers; the mask is a view.
  const bool on_cpu = shape_.device.is_cpu();
  torch::Tensor pos_cpu = on_cpu ? positions_buf_ : torch::empty({shape_.num_slots}, torch::kInt64);
  int64_t* p = pos_cpu.data_ptr<int64_t>();
  for (int64_t b = 0; b < count; ++b) p[first + b] = lengths_[first + b];
  if (!on_cpu) positions_buf_.copy_(pos_cpu, /*non_blocking=*/false);
  step_write_pos_ = positions_buf_.narrow(0, first, count);
  if (on_cpu) {
    bool* m = key_mask_.data_ptr<bool>();
    for (int64_t b = 0; b < count; ++b)
      m[(first + b) * shape_.max_len + lengths_[first + b]] = true;
  } else {
    key_mask_.index_put_({row_index_.narrow(0, first, count), 0, 0, step_write_pos_},
                         torch::ones({count}, key_mask_.options()));
  }
  step_positions_ = step_write_pos_.view({count, 1});
  step_mask_ = key_mask_.narrow(0, first, count).narrow(3, 0, visible_);
}

std::pair<torch::Tensor, torch::Tensor> SlotKvCache::Append(int layer, const torch::Tensor& k,
                                                            const torch::Tensor& v) {
  TORCH_CHECK(layer >= 0 && layer < shape_.num_layers, "kv cache: layer ", layer, " out of range");
  TORCH_CHECK(k.dim() == 4 && k.size(0) == count_ && k.size(1) == shape_.num_kv_heads &&
                  k.size(2) == new_tokens_ && k.size(3) == shape_.head_dim,
              "kv cache: layer ", layer, ": k has shape ", k.sizes(), ", expected [", count_, ", ",
              shape_.num_kv_heads, ", ", new_tokens_, ", ", shape_.head_dim, "]");
  TORCH_CHECK(v.dim() == 4 && v.size(0) == k.size(0) && v.size(1) == k.size(1) &&
                  v.size(2) == k.size(2) && v.size(3) == v_[layer].size(3),
              "kv cache: layer ", layer, ": v shape ", v.sizes(), " does not fit k shape ",
              k.sizes(), " and value width ", v_[layer].size(3));
  torch::Tensor kk = k.scalar_type() == shape_.dtype ? k : k.to(shape_.dtype);
  torch::Tensor vv = v.scalar_type() == shape_.dtype ? v : v.to(shape_.dtype);
  torch::Tensor K = k_[layer].narrow(0, first_, count_);
  torch::Tensor V = v_[layer].narrow(0, first_, count_);
  if (same_start_) {
    const int64_t start = lengths_[first_];
    K.narrow(2, start, new_tokens_).copy_(kk);
    V.narrow(2, start, new_tokens_).copy_(vv);
  } else if (new_tokens_ == 1) {
    // One advanced-indexing write per tensor: row b at its own position.
    torch::Tensor rows = row_index_.narrow(0, 0, count_);
    K.index_put_({rows, Slice(), step_write_pos_}, kk.select(2, 0));
    V.index_put_({rows, Slice(), step_write_pos_}, vv.select(2, 0));
  } else {
    for (int64_t b = 0; b < count_; ++b) {
      const int64_t start = lengths_[first_ + b];
      K[b].narrow(1, start, new_tokens_).copy_(kk[b]);
      V[b].narrow(1, start, new_tokens_).copy_(vv[b]);
    }
  }
  return {K.narrow(2, 0, visible_), V.narrow(2, 0, visible_)};
}

void SlotKvCache::EndStep(const int64_t* valid) {
  for (int64_t b = 0; b < count_; ++b) {
    const int64_t slot = first_ + b;
    const int64_t add = valid ? valid[b] : new_tokens_;
    if (new_tokens_ == 1 && add == 1) {
      ++lengths_[slot];  // mask already set in BeginStep
    } else {
      SetLength(slot, lengths_[slot] + add);
    }
  }
  count_ = 0;
  step_mask_ = torch::Tensor();
  step_positions_ = torch::Tensor();
}

void SlotKvCache::SetLength(int64_t slot, int64_t len) {
  lengths_[slot] = len;
  torch::Tensor row = key_mask_[slot].view({shape_.max_len});
  if (len > 0) row.narrow(0, 0, len).fill_(true);
  if (len < shape_.max_len) row.narrow(0, len, shape_.max_len - len).fill_(false);
}

void SlotKvCache::Fork(int64_t src, const std::vector<int64_t>& dsts, int64_t len) {
  for (int64_t dst : dsts) {
    if (dst == src) continue;
    for (int64_t l = 0; l < shape_.num_layers; ++l) {
      k_[l][dst].narrow(1, 0, len).copy_(k_[l][src].narrow(1, 0, len));
      v_[l][dst].narrow(1, 0, len).copy_(v_[l][src].narrow(1, 0, len));
    }
    SetLength(dst, len);
  }
}

void SlotKvCache::Move(int64_t src, int64_t dst) {
  if (src == dst) return;
  Fork(src, {dst}, lengths_[src]);
  Free(src);
}

void SlotKvCache::Free(int64_t slot) { SetLength(slot, 0); }

KvPrefix SlotKvCache::CopyPrefixOut(int64_t slot) const {
  KvPrefix p;
  p.length = lengths_[slot];
  for (int64_t l = 0; l < shape_.num_layers; ++l) {
    p.k.push_back(k_[l][slot].narrow(1, 0, p.length).clone());
    p.v.push_back(v_[l][slot].narrow(1, 0, p.length).clone());
  }
  return p;
}

void SlotKvCache::CopyPrefixIn(const KvPrefix& prefix, int64_t slot) {
  for (int64_t l = 0; l < shape_.num_layers; ++l) {
    k_[l][slot].narrow(1, 0, prefix.length).copy_(prefix.k[l]);
    v_[l][slot].narrow(1, 0, prefix.length).copy_(prefix.v[l]);
  }
  SetLength(slot, prefix.length);
}

}  // namespace rlzero
