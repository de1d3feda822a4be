// policy/torch_compat.h: the one place where LibTorch 1.13 (Debian) and 2.x
// (PyTorch wheels, CUDA) differ for rlzero. Everything else includes this and
// uses the RLZ_* names below instead of version checks of its own.
#pragma once

#include <torch/torch.h>
#include <torch/version.h>

#define RLZ_TORCH_VERSION_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) ||              \
   (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

// scaled_dot_product_attention exists from 2.0 on.
#define RLZ_HAS_SDPA RLZ_TORCH_VERSION_AT_LEAST(2, 0)

// at::cuda::CUDAGraph::capture_begin(pool, capture_mode): the mode argument
// (thread-local capture) exists from 2.1 on; 1.13 takes only the pool and
// captures in global mode. Used by rollout/cuda_graph_cuda.cc only.
#define RLZ_CUDA_GRAPH_HAS_CAPTURE_MODE RLZ_TORCH_VERSION_AT_LEAST(2, 1)

// The legacy autograd profiler's RecordProfile (a chrome://tracing file of
// every op) is used by `rlzero bench rollout --profile`; relied on only for
// the 1.x API it was written against (2.x moved profiling to Kineto).
#define RLZ_HAS_LEGACY_RECORD_PROFILE (!RLZ_TORCH_VERSION_AT_LEAST(2, 0))

// c10d (learner/distributed/): from 2.0 on, ProcessGroupGloo / ProcessGroupNCCL
// derive from c10d::Backend and a c10d::ProcessGroup wraps backends; in 1.13
// they are ProcessGroups themselves. RLZ_C10D_BACKEND_BASE names the class a
// Gloo/NCCL group is held as. The constructors (store, rank, size, options),
// TCPStore(host, TCPStoreOptions) and Work::wait(timeout) read the same in both.
#if RLZ_TORCH_VERSION_AT_LEAST(2, 0)
#define RLZ_C10D_BACKEND_BASE ::c10d::Backend
#else
#define RLZ_C10D_BACKEND_BASE ::c10d::ProcessGroup
#endif

// Autocast state per device type. 2.4 made the API device-generic
// (is_autocast_enabled(DeviceType), get/set_autocast_dtype(DeviceType, ...))
// and deprecated the CPU/CUDA-specific names 1.13 has (set_cpu_enabled,
// set_autocast_gpu_dtype, ...). Only kCPU and kCUDA are supported here; use
// policy/autocast_scope.h rather than these directly.
#include <ATen/autocast_mode.h>

namespace rlzero::torch_compat {

#if RLZ_TORCH_VERSION_AT_LEAST(2, 4)
inline bool AutocastEnabled(c10::DeviceType d) { return at::autocast::is_autocast_enabled(d); }
inline void SetAutocastEnabled(c10::DeviceType d, bool on) {
  at::autocast::set_autocast_enabled(d, on);
}
inline c10::ScalarType AutocastDtype(c10::DeviceType d) {
  return at::autocast::get_autocast_dtype(d);
}
inline void SetAutocastDtype(c10::DeviceType d, c10::ScalarType t) {
  at::autocast::set_autocast_dtype(d, t);
}
#else
inline bool AutocastEnabled(c10::DeviceType d) {
  if (d == c10::DeviceType::CUDA) return at::autocast::is_enabled();
  if (d == c10::DeviceType::CPU) return at::autocast::is_cpu_enabled();
  return false;
}
inline void SetAutocastEnabled(c10::DeviceType d, bool on) {
  TORCH_CHECK(d == c10::DeviceType::CPU || d == c10::DeviceType::CUDA,
              "autocast: only cpu and cuda are supported, got ", d);
  if (d == c10::DeviceType::CUDA) {
    at::autocast::set_enabled(on);
  } else {
    at::autocast::set_cpu_enabled(on);
  }
}
inline c10::ScalarType AutocastDtype(c10::DeviceType d) {
  return d == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype()
                                    : at::autocast::get_autocast_cpu_dtype();
}
inline void SetAutocastDtype(c10::DeviceType d, c10::ScalarType t) {
  if (d == c10::DeviceType::CUDA) {
    at::autocast::set_autocast_gpu_dtype(t);
  } else {
    at::autocast::set_autocast_cpu_dtype(t);
  }
}
#endif

}  // namespace rlzero::torch_compat
