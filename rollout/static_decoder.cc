// rollout/static_decoder.cc: see static_decoder.h.
#include "rollout/static_decoder.h"

#include <algorithm>
#include <cstdio>

namespace rlzero {

StaticDecoder::StaticDecoder(CausalLM& model, SlotKvCache& cache, bool capture, bool fall_back,
                             int64_t kv_block)
    : model_(model),
      cache_(cache),
      capture_(capture),
      fall_back_(fall_back),
      kv_block_(std::max<int64_t>(1, kv_block)) {
  const KvCacheShape& s = cache.shape();
  ids_host_ = torch::zeros({s.num_slots, 1}, torch::kInt64);
  ids_dev_ = s.device.is_cpu()
                 ? ids_host_
                 : torch::zeros({s.num_slots, 1}, torch::dtype(torch::kInt64).device(s.device));
  valid_.assign(static_cast<size_t>(s.num_slots), 0);
}

int64_t StaticDecoder::PaddedBatch(int64_t B, int64_t slots) {
  int64_t p = 8 * ((B + 7) / 8);
  if (B <= 4) p = B <= 1 ? 1 : (B <= 2 ? 2 : 4);
  return std::min(p, slots);
}

int64_t StaticDecoder::PaddedKeys(int64_t need, int64_t block, int64_t max_len) {
  return std::min(max_len, block * ((need + block - 1) / block));
}

bool StaticDecoder::WeightsMoved() {
  std::vector<const void*> now;
  for (const auto& p : model_.parameters()) now.push_back(p.data_ptr());
  const bool moved = !weight_ptrs_.empty() && now != weight_ptrs_;
  weight_ptrs_ = std::move(now);
  return moved;
}

torch::Tensor StaticDecoder::Forward(int64_t rows) {
  torch::Tensor hidden = model_.Forward(ids_dev_.narrow(0, 0, rows), cache_.positions(),
                                        cache_.mask(), &cache_);  // [rows, 1, C]
  return model_.Logits(hidden.reshape({rows, hidden.size(2)}));   // [rows, V]
}

StatusOr<torch::Tensor> StaticDecoder::Step(const int64_t* ids, int64_t B) {
  const KvCacheShape& shape = cache_.shape();
  if (B < 1 || B > shape.num_slots) {
    return InvalidArgument("static decode: " + std::to_string(B) + " rows, cache has " +
                           std::to_string(shape.num_slots) + " slots");
  }
  const int64_t rows = PaddedBatch(B, shape.num_slots);
  int64_t longest = 0;
  for (int64_t b = 0; b < B; ++b) longest = std::max(longest, cache_.length(b));
  for (int64_t b = B; b < rows; ++b) {
    if (cache_.length(b) != 0) {
      return Internal("static decode: padding row " + std::to_string(b) +
                      " is a live slot (the live slots must be [0, " + std::to_string(B) + "))");
    }
  }
  const int64_t keys = PaddedKeys(longest + 1, kv_block_, shape.max_len);
  int64_t* h = ids_host_.data_ptr<int64_t>();
  for (int64_t b = 0; b < rows; ++b) h[b] = b < B ? ids[b] : 0;
  if (!shape.device.is_cpu()) ids_dev_.narrow(0, 0, rows).copy_(ids_host_.narrow(0, 0, rows));
  RLZ_RETURN_IF_ERROR(cache_.BeginStaticDecode(rows, keys));

  // The graph of this shape: recorded now if it is new, while capture works
  // and the graph budget lasts; none means an eager step.
  CudaGraph* graph = nullptr;
  if (capture_ && !capture_failed_) {
    auto it = graphs_.find({rows, keys});
    if (it != graphs_.end()) {
      graph = it->second.get();
    } else if (graphs_.size() < kMaxGraphs) {
      auto captured =
          CudaGraph::Capture([this, rows] { return Forward(rows); }, shape.device, pool_owner_);
      if (captured.ok()) {
        graph = captured->get();
        if (pool_owner_ == nullptr) pool_owner_ = graph;
        graphs_.emplace(std::make_pair(rows, keys), std::move(*captured));
        ++stats_.captures;
      } else if (fall_back_) {
        // The warm-up already ran this step's writes; the eager forward below
        // repeats them with the same values.
        std::fprintf(stderr, "[rollout] %s; decoding without CUDA graphs\n",
                     captured.status().message().c_str());
        capture_failed_ = true;
      } else {
        return captured.status();
      }
    }
  }
  torch::Tensor logits;
  if (graph != nullptr) {
    graph->Replay();
    logits = graph->output();
    ++stats_.replays;
  } else {
    logits = Forward(rows);
    ++stats_.eager;
  }
  for (int64_t b = 0; b < rows; ++b) valid_[static_cast<size_t>(b)] = b < B ? 1 : 0;
  cache_.EndStep(valid_.data());
  stats_.padded_rows += rows - B;
  return logits.narrow(0, 0, B);
}

}  // namespace rlzero
