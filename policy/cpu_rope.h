// policy/cpu_rope.h: rotary position embedding (rotate_half layout) for
// inference on CPU, one fused pass.
//
// Why: ApplyRope's LibTorch form (two narrows, a negation, a cat, two
// broadcast multiplies and an add) is ~7 dispatched ops with a temporary
// each, for q and for k in every layer of every decode step; at rollout
// batch sizes on a tiny model that overhead, not the arithmetic, is the cost
// (docs/rollout.md). This kernel reads x once and writes the result once.
//
// Shapes: x [B, Hx, T, D] with D even and innermost stride 1 (typically the
// transposed view of a projection's [B, T, Hx, D] output); cos, sin
// [B or 1, T, D] in x's dtype. Returns [B, Hx, T, D] contiguous, in x's dtype:
//   y = x * cos + rotate_half(x) * sin,  rotate_half(x) = cat(-x2, x1)
// with each product and the sum rounded to x's dtype, as the LibTorch ops
// round them (bit-identical to ApplyRope's LibTorch path in float32).
// Applies only without autograd (no input requires grad, or grad mode off),
// on CPU tensors of float32, float64 or bfloat16; callers check
// CpuRopeApplies and otherwise use LibTorch ops.
// Thread safety: pure function; parallel over (batch, head, position) rows.
#pragma once

#include "policy/torch_compat.h"

namespace rlzero {

bool CpuRopeApplies(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

torch::Tensor CpuRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace rlzero
