// policy/autocast_scope.h: an RAII scope that turns LibTorch autocast on (to
// a given dtype) or off for one device type, and restores the previous state
// when it ends: the C++ counterpart of Python's `torch.autocast(...)` block.
//
// Inside an enabled scope, autocast-eligible ops (linear, matmul, bmm, ...)
// on tensors of that device run in the low-precision dtype while the
// parameters stay as they are (float32 master weights); their gradients come
// back in the parameters' dtype. Backward should run outside the scope (as in
// PyTorch): autograd replays each op in the dtype its forward used.
// The cache of casted weights is cleared when the outermost scope ends
// (nesting count as in torch.autocast), so a later update's weights are
// never served from a stale cast.
// Supported device types: kCPU (bfloat16) and kCUDA (bfloat16, float16).
// Version differences (1.13 vs 2.4+) live in policy/torch_compat.h.
// Thread safety: autocast state is thread-local; a scope belongs to the
// thread that made it and must end on it (stack object).
#pragma once

#include "policy/torch_compat.h"

namespace rlzero {

class AutocastScope {
 public:
  // enabled = false turns autocast off for the scope (e.g. to run a float32
  // computation inside an autocast region).
  AutocastScope(c10::DeviceType device_type, bool enabled,
                c10::ScalarType dtype = c10::ScalarType::BFloat16)
      : device_type_(device_type),
        prev_enabled_(torch_compat::AutocastEnabled(device_type)),
        prev_dtype_(torch_compat::AutocastDtype(device_type)) {
    torch_compat::SetAutocastEnabled(device_type, enabled);
    if (enabled) torch_compat::SetAutocastDtype(device_type, dtype);
    at::autocast::increment_nesting();
  }
  ~AutocastScope() {
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    torch_compat::SetAutocastEnabled(device_type_, prev_enabled_);
    torch_compat::SetAutocastDtype(device_type_, prev_dtype_);
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

  // Whether autocast is on for `device_type` on this thread, and to what.
  static bool Enabled(c10::DeviceType device_type) {
    return torch_compat::AutocastEnabled(device_type);
  }
  static c10::ScalarType Dtype(c10::DeviceType device_type) {
    return torch_compat::AutocastDtype(device_type);
  }

 private:
  c10::DeviceType device_type_;
  bool prev_enabled_;
  c10::ScalarType prev_dtype_;
};

}  // namespace rlzero
