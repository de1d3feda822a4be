// policy/cpu_rms_norm.h: RMSNorm for inference on CPU, one fused pass per row.
//
// Why: RmsNorm's LibTorch form (to float32, pow, mean, add, rsqrt, mul, cast,
// mul by weight) is 6-8 dispatched ops with a temporary each; at rollout
// batch sizes on a tiny model each op costs ~10 us of overhead, twice per
// layer per decode step (docs/rollout.md has the profile). This kernel reads
// each row once and writes it once.
//
// Shapes: x [..., C] (innermost stride 1, any other strides); weight [C].
// Returns x's shape, contiguous, in x's dtype:
//   y = weight * cast_to_x_dtype(x / sqrt(mean(x^2) + eps))
// with the normalisation in float32 (float64 for float64 inputs), the weight
// multiply rounded to x's dtype: transformers' LlamaRMSNorm / RmsNorm's
// LibTorch path, up to the order of the squares' summation. Each row is
// computed by one thread in a fixed order, so a row's result does not depend
// on its batch or the thread count.
// Applies only without autograd (no input requires grad, or grad mode off),
// on CPU tensors of float32, float64 or bfloat16 with weight of the same
// dtype; callers check CpuRmsNormApplies and otherwise use LibTorch ops.
// Thread safety: pure function; parallel over rows with at::parallel_for.
#pragma once

#include "policy/torch_compat.h"

namespace rlzero {

bool CpuRmsNormApplies(const torch::Tensor& x, const torch::Tensor& weight);

torch::Tensor CpuRmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace rlzero
