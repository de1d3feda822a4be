// rollout/cuda_graph_none.cc: CudaGraph for a LibTorch without CUDA: nothing
// can be captured (see cuda_graph.h).
#include "rollout/cuda_graph.h"

namespace rlzero {

struct CudaGraph::Impl {};

CudaGraph::CudaGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CudaGraph::~CudaGraph() = default;

bool CudaGraph::Supported() { return false; }

StatusOr<std::unique_ptr<CudaGraph>> CudaGraph::Capture(const std::function<torch::Tensor()>&,
                                                        torch::Device device, const CudaGraph*) {
  return Unimplemented("CUDA graph capture on " + device.str() +
                       ": this build's LibTorch has no CUDA");
}

void CudaGraph::Replay() {}

}  // namespace rlzero
