// rollout/cuda_graph.h: one tensor computation captured as a CUDA graph and
// replayed. The only rlzero code that names CUDA's graph API; it is compiled
// for real only when LibTorch has CUDA (cuda_graph_cuda.cc), and otherwise
// (cuda_graph_none.cc) Capture answers UNIMPLEMENTED.
//
// Contract:
//   - Capture(fn, device, share) runs fn once eagerly on a side stream (the
//     warm-up: lazy initialisation such as cuBLAS handles and workspaces must
//     not happen inside a capture), then records a second call of fn. The
//     recording does not execute: call Replay() to run it.
//   - fn must issue the same work on every call and read its inputs only from
//     tensors whose storage outlives the graph (a replay reads those
//     addresses, whatever they then hold); no host synchronisation inside
//     (no .item(), no device-to-host copies, no data-dependent shapes).
//   - output() is the tensor fn returned in the recorded call; every Replay()
//     rewrites it in place. Replay runs on the current stream of the device.
//   - share: graphs that share a memory pool (never replayed concurrently)
//     keep one set of intermediate buffers instead of one each.
//   - Capture is in thread-local mode where LibTorch offers it (2.1+): other
//     threads' CUDA work (a weight receiver allocating) does not break it.
// Errors: UNIMPLEMENTED without CUDA; INTERNAL with LibTorch's message when
// the capture fails (e.g. fn synchronised with the host).
// Thread safety: one thread captures and replays a graph.
#pragma once

#include <functional>
#include <memory>

#include "base/status.h"
#include "policy/torch_compat.h"

namespace rlzero {

class CudaGraph {
 public:
  ~CudaGraph();
  CudaGraph(const CudaGraph&) = delete;
  CudaGraph& operator=(const CudaGraph&) = delete;

  // True when this build can capture (LibTorch with CUDA).
  static bool Supported();
  static StatusOr<std::unique_ptr<CudaGraph>> Capture(const std::function<torch::Tensor()>& fn,
                                                      torch::Device device,
                                                      const CudaGraph* share_pool_with = nullptr);
  void Replay();
  const torch::Tensor& output() const { return output_; }

 private:
  struct Impl;
  explicit CudaGraph(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  torch::Tensor output_;
};

}  // namespace rlzero
