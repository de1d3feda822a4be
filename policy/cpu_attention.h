// policy/cpu_attention.h: masked grouped-query attention for inference on
// CPU, one fused pass per (batch row, query head, query position).
//
// Why: on CPU, LibTorch 1.13 without MKL runs a batched matmul of many small
// matrices (decode: B*H products of [1, D] x [D, S]) as a loop of per-batch
// gemm calls with a tensor select each, and grouped-query attention first
// copies K and V per query head (repeat_interleave). At rollout batch sizes
// that was most of a decode step. This kernel reads the cache's K and V in
// place (any strides, unit innermost stride), maps query head h to kv head
// h / (H / Hkv), and never materialises the [B, H, T, S] scores.
//
// Shapes: q [B, H, T, D]; k [B, Hkv, S, D]; v [B, Hkv, S, Dv] with
// H % Hkv == 0; mask bool [B or 1, 1, T, S] (true = may attend) or undefined
// (causal, the T queries at the last T of the S keys). Returns [B, H, T, Dv]
// contiguous, in q's dtype.
// Numerics: as GroupedQueryAttention's math path (scores = q.k * scale,
// masked scores excluded, softmax, weighted sum of V), accumulated in float32
// (double for float64 inputs); a query with no visible key averages all S
// values uniformly, as the math path does. Each output row is computed by one
// thread in a fixed order, so results do not depend on the batch a row is in
// or on the thread count.
// Applies only without autograd (no input requires grad, or grad mode off),
// on CPU tensors of float32, float64 or bfloat16; callers check
// CpuAttentionApplies and otherwise use the LibTorch ops.
// Thread safety: pure function; parallel over rows with at::parallel_for.
#pragma once

#include "policy/torch_compat.h"

namespace rlzero {

bool CpuAttentionApplies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                         const torch::Tensor& mask);

torch::Tensor CpuAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                           const torch::Tensor& mask, double scale);

}  // namespace rlzero
