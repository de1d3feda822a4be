// rollout/static_decoder.h: the rollout engine's decode step with static
// shapes, captured once per shape as a CUDA graph and replayed.
//
// Why: a decode step of a small model on a GPU is hundreds of tiny kernels;
// launching them one by one from the host costs more than running them. A
// CUDA graph launches the whole step at once, but replays exactly the
// recorded kernels on exactly the recorded addresses. So the step is made
// static:
//   - the live rows [0, B) are padded to a bucket Bp (1, 2, 4, 8, then
//     multiples of 8, at most the cache's slots). The padding rows are free
//     slots: they decode token 0 at position 0 and are emptied again after
//     the step (SlotKvCache::BeginStaticDecode / EndStep), and their logits
//     are dropped. Rows are independent in the dense models, so padding does
//     not change the live rows' results beyond float blocking;
//   - attention sees S = max length + 1 rounded up to a multiple of
//     kv_block keys (capped at the cache's max_len); the key mask hides the
//     rest, so this too changes nothing but work;
//   - token ids are copied into a preallocated device buffer; positions and
//     the mask already live in the cache's buffers.
// A graph is captured the first time a (Bp, S) pair is needed and replayed
// afterwards; all graphs share one memory pool (they run one at a time).
// At most kMaxGraphs are kept (each costs a capture and host memory for its
// kernel nodes); a shape past that runs the same static step eagerly.
//
// Modes (RolloutEngineOptions::cuda_graphs): "auto" uses this decoder with
// capture when the model is on CUDA and its family supports capture
// (CausalLM::SupportsCudaGraphs), and the engine's plain step otherwise;
// "on" always uses it: capture on CUDA, and on CPU the same padded step
// runs eagerly (that is how CI tests the static step's results); "off"
// never uses it.
//
// Invalidation: a graph holds the addresses of the model's parameters and
// of the cache. The engine calls Reset() when the cache is reallocated, and
// before each Generate whose parameter storages moved (WeightsMoved()).
// Weights copied in place (the rollout worker's ApplyWeights, an optimizer
// step) need no reset: a replay reads the new values.
// Thread safety: none; the engine's one Generate at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "policy/causal_lm.h"
#include "rollout/cuda_graph.h"
#include "rollout/kv_cache.h"

namespace rlzero {

struct StaticDecoderStats {
  int64_t captures = 0;  // graphs recorded
  int64_t replays = 0;   // steps run by replaying a graph
  int64_t eager = 0;     // steps run eagerly (CPU, or capture unavailable)
  int64_t padded_rows = 0;
};

class StaticDecoder {
 public:
  static constexpr size_t kMaxGraphs = 256;

  // capture: record CUDA graphs (the model and cache must be on CUDA);
  // false runs the same static step eagerly. fall_back: when a capture
  // fails, say so on stderr once and run every later step eagerly (instead
  // of failing the step).
  StaticDecoder(CausalLM& model, SlotKvCache& cache, bool capture, bool fall_back,
                int64_t kv_block = 256);

  // One decode step of live rows [0, B): ids[b] is row b's last token.
  // Returns the logits [B, V] (the model's dtype and device), valid until
  // the next Step (a replay rewrites them); the cache lengths of rows
  // [0, B) grow by one. Rows [B, Bp) must be free slots (INTERNAL if not).
  // Capture failures are INTERNAL unless fall_back.
  StatusOr<torch::Tensor> Step(const int64_t* ids, int64_t B);

  // Drops every graph (cache reallocated, weights moved).
  void Reset() {
    graphs_.clear();
    pool_owner_ = nullptr;
  }
  // True when a parameter's storage differs from the last call's (the first
  // call records and answers false).
  bool WeightsMoved();

  const StaticDecoderStats& stats() const { return stats_; }
  size_t num_graphs() const { return graphs_.size(); }

  // The bucket B is padded to, <= slots.
  static int64_t PaddedBatch(int64_t B, int64_t slots);
  // need rounded up to a multiple of block, <= max_len.
  static int64_t PaddedKeys(int64_t need, int64_t block, int64_t max_len);

 private:
  torch::Tensor Forward(int64_t rows);  // the step's tensor work (what a graph records)

  CausalLM& model_;
  SlotKvCache& cache_;
  const bool capture_;
  const bool fall_back_;
  bool capture_failed_ = false;
  const int64_t kv_block_;
  torch::Tensor ids_host_, ids_dev_;                                          // [slots, 1] int64
  std::map<std::pair<int64_t, int64_t>, std::unique_ptr<CudaGraph>> graphs_;  // (Bp, S)
  const CudaGraph* pool_owner_ = nullptr;  // the first graph; the others share its pool
  std::vector<const void*> weight_ptrs_;
  std::vector<int64_t> valid_;  // EndStep's per-row growth
  StaticDecoderStats stats_;
};

}  // namespace rlzero
