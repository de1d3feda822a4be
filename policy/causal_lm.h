// policy/causal_lm.h: the interface every model family implements, and the
// KV-cache hook the rollout engine plugs into attention. The same model code
// serves the rollout engine and the learner, so their log-probs agree.
//
// Shape legend: B batch, T new tokens this call, S total key length visible to
// attention (cache + new), C hidden size, V vocabulary, Hkv key/value heads,
// D head dim.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "policy/torch_compat.h"

namespace rlzero {

// Per-layer key/value storage owned by the caller (rollout/). Attention in
// layer `layer` calls Append once per forward with this call's keys/values
// (after RoPE / k-norm) and attends over what Append returns.
class KvCache {
 public:
  virtual ~KvCache() = default;
  // k, v: [B, Hkv, T, D]. Returns the keys/values attention must use,
  // [B, Hkv, S, D]; the caller's attention mask must match that S.
  virtual std::pair<torch::Tensor, torch::Tensor> Append(int layer, const torch::Tensor& k,
                                                         const torch::Tensor& v) = 0;
};

// A decoder-only causal language model.
class CausalLM : public torch::nn::Module {
 public:
  // input_ids: [B, T] int64. positions: [B, T] int64, RoPE positions of each
  // token. attn_mask: bool [B, 1, T, S], true = may attend; if undefined,
  // plain causal attention over the T tokens (then cache must be null or
  // empty). cache: null for no cache. Returns final hidden states [B, T, C]
  // (after the final norm).
  virtual torch::Tensor Forward(const torch::Tensor& input_ids, const torch::Tensor& positions,
                                const torch::Tensor& attn_mask, KvCache* cache) = 0;
  // hidden: [..., C] -> logits [..., V] (lm_head, or the tied embedding).
  virtual torch::Tensor Logits(const torch::Tensor& hidden) = 0;
  // The [V, C] matrix Logits multiplies by (lm_head.weight, or the tied
  // embedding), so log-prob code can recompute logits chunk by chunk in its
  // own backward; undefined if Logits is not a plain projection.
  virtual torch::Tensor OutputEmbedding() { return {}; }
  virtual int64_t vocab_size() const = 0;
  virtual int64_t num_layers() const = 0;
  virtual int64_t num_kv_heads() const = 0;
  virtual int64_t head_dim() const = 0;
  // Width of the cached values; MLA caches no values (0).
  virtual int64_t value_head_dim() const { return head_dim(); }
  // True when a decode-step Forward (T = 1, with a cache) issues the same
  // kernels for the same shapes and never synchronises with the host, so
  // the rollout engine may capture it as a CUDA graph
  // (rollout/static_decoder.h). Families with data-dependent work (MoE
  // routing that sizes tensors by expert load) keep the default, false.
  virtual bool SupportsCudaGraphs() const { return false; }
};

}  // namespace rlzero
