// policy/cpu_kernel_inputs.h: the input rule shared by the fused CPU
// inference kernels (cpu_attention, cpu_rms_norm, cpu_rope): every tensor
// defined, on the CPU, of one dtype among float32, float64 and bfloat16, and
// no autograd needed (grad mode off, or no input requires grad). Shapes are
// each kernel's own check.
// Thread safety: pure function.
#pragma once

#include <initializer_list>

#include "policy/torch_compat.h"

namespace rlzero {

inline bool CpuInferenceInputs(std::initializer_list<const torch::Tensor*> tensors) {
  const torch::Tensor& first = **tensors.begin();
  if (!first.defined()) return false;
  const auto dtype = first.scalar_type();
  if (dtype != torch::kFloat32 && dtype != torch::kFloat64 && dtype != torch::kBFloat16)
    return false;
  const bool grad = torch::GradMode::is_enabled();
  for (const torch::Tensor* t : tensors) {
    if (!t->defined() || !t->device().is_cpu() || t->scalar_type() != dtype) return false;
    if (grad && t->requires_grad()) return false;
  }
  return true;
}

}  // namespace rlzero
