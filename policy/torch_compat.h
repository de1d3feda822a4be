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
