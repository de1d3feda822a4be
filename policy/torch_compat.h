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
