// rollout/cuda_graph_cuda.cc: CudaGraph over at::cuda::CUDAGraph, built only
// when LibTorch has CUDA (see cuda_graph.h for the contract).
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "rollout/cuda_graph.h"

namespace rlzero {

struct CudaGraph::Impl {
  // at::cuda::CUDAGraph is neither copyable nor movable in 2.x.
  std::unique_ptr<at::cuda::CUDAGraph> graph;
  c10::DeviceIndex device = 0;
};

CudaGraph::CudaGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CudaGraph::~CudaGraph() = default;

bool CudaGraph::Supported() { return true; }

StatusOr<std::unique_ptr<CudaGraph>> CudaGraph::Capture(const std::function<torch::Tensor()>& fn,
                                                        torch::Device device,
                                                        const CudaGraph* share_pool_with) {
  if (!device.is_cuda()) {
    return InvalidArgument("CUDA graph capture: device " + device.str() + " is not CUDA");
  }
  auto impl = std::make_unique<Impl>();
  impl->device = device.has_index() ? device.index() : c10::cuda::current_device();
  torch::Tensor output;
  try {
    c10::cuda::CUDAGuard device_guard(impl->device);
    // Capture needs a stream other than the legacy default one; the work
    // queued so far on the current stream (cache writes, inputs) must be done
    // before the side stream reads it.
    c10::cuda::getCurrentCUDAStream(impl->device).synchronize();
    c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(false, impl->device);
    c10::cuda::CUDAStreamGuard stream_guard(side);
    fn();  // warm-up, eagerly, on the stream the capture uses
    side.synchronize();
    impl->graph = std::make_unique<at::cuda::CUDAGraph>();
    // The pool id's type moved between namespaces across versions; {0, 0}
    // (value-initialised) asks for a private pool.
    decltype(impl->graph->pool()) pool{};
    if (share_pool_with != nullptr) pool = share_pool_with->impl_->graph->pool();
#if RLZ_CUDA_GRAPH_HAS_CAPTURE_MODE
    impl->graph->capture_begin(pool, cudaStreamCaptureModeThreadLocal);
#else
    impl->graph->capture_begin(pool);
#endif
    try {
      output = fn();
    } catch (...) {
      // End the capture so the stream is usable again; its own error (the
      // capture was invalidated) says less than fn's.
      try {
        impl->graph->capture_end();
      } catch (const c10::Error&) {
      }
      throw;
    }
    impl->graph->capture_end();
    side.synchronize();
  } catch (const c10::Error& e) {
    return Internal(std::string("CUDA graph capture failed: ") + e.what_without_backtrace());
  }
  auto graph = std::unique_ptr<CudaGraph>(new CudaGraph(std::move(impl)));
  graph->output_ = std::move(output);
  return graph;
}

void CudaGraph::Replay() {
  c10::cuda::CUDAGuard device_guard(impl_->device);
  impl_->graph->replay();
}

}  // namespace rlzero
