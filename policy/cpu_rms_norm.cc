// policy/cpu_rms_norm.cc: see cpu_rms_norm.h.
#include "policy/cpu_rms_norm.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "policy/cpu_kernel_inputs.h"

namespace rlzero {
namespace {

template <typename scalar_t>
void NormRows(const torch::Tensor& x, const torch::Tensor& weight, double eps, torch::Tensor& out) {
  using acc_t = std::conditional_t<std::is_same_v<scalar_t, double>, double, float>;
  const int64_t C = x.size(-1);
  const int64_t rows = x.numel() / C;
  // x's rows are one stride apart (CpuRmsNorm made sure).
  int64_t row_stride = C;
  for (int64_t d = x.dim() - 2; d >= 0; --d) {
    if (x.size(d) == 1) continue;
    row_stride = x.stride(d);  // the innermost row dimension's
    break;
  }
  const scalar_t* xd = x.data_ptr<scalar_t>();
  const scalar_t* wd = weight.data_ptr<scalar_t>();
  scalar_t* od = out.data_ptr<scalar_t>();
  const acc_t e = static_cast<acc_t>(eps);
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, C));
  at::parallel_for(0, rows, grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const scalar_t* xr = xd + r * row_stride;
      scalar_t* yr = od + r * C;
      // Sum of squares in 8 partial sums combined in a fixed order.
      acc_t part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t c = 0;
      for (; c + 8 <= C; c += 8)
        for (int j = 0; j < 8; ++j) {
          const acc_t v = static_cast<acc_t>(xr[c + j]);
          part[j] += v * v;
        }
      acc_t tail = 0;
      for (; c < C; ++c) {
        const acc_t v = static_cast<acc_t>(xr[c]);
        tail += v * v;
      }
      const acc_t sum = ((part[0] + part[1]) + (part[2] + part[3])) +
                        ((part[4] + part[5]) + (part[6] + part[7])) + tail;
      const acc_t inv = acc_t(1) / std::sqrt(sum / static_cast<acc_t>(C) + e);
      for (int64_t i = 0; i < C; ++i) {
        // Normalised value rounded to x's dtype first, then the weight
        // multiply rounded again: as the LibTorch path casts back before it.
        const scalar_t h = static_cast<scalar_t>(static_cast<acc_t>(xr[i]) * inv);
        yr[i] = static_cast<scalar_t>(wd[i] * h);
      }
    }
  });
}

// Whether x's rows (all dims but the last) are one stride apart, so x can be
// viewed [rows, C] without a copy. Size-1 dims do not matter.
bool RowsHaveOneStride(const torch::Tensor& x) {
  int64_t span = -1;  // distance spanned by the dims inside the current one
  for (int64_t d = x.dim() - 2; d >= 0; --d) {
    if (x.size(d) == 1) continue;
    if (span >= 0 && x.stride(d) != span) return false;
    span = x.stride(d) * x.size(d);
  }
  return true;
}

}  // namespace

bool CpuRmsNormApplies(const torch::Tensor& x, const torch::Tensor& weight) {
  if (!CpuInferenceInputs({&x, &weight})) return false;
  return x.dim() >= 1 && weight.dim() == 1 && weight.size(0) == x.size(-1);
}

torch::Tensor CpuRmsNorm(const torch::Tensor& x_in, const torch::Tensor& weight_in, double eps) {
  TORCH_CHECK(CpuRmsNormApplies(x_in, weight_in), "CpuRmsNorm: inputs not supported (need CPU ",
              "float32/float64/bfloat16 x [..., C] and weight [C] of its dtype, no grad)");
  auto out = torch::empty(x_in.sizes(), x_in.options().memory_format(at::MemoryFormat::Contiguous));
  if (out.numel() == 0) return out;
  // A [rows, C] view needs uniform row strides and a unit innermost stride;
  // otherwise (rare: e.g. a transposed batch) work on a contiguous copy.
  const torch::Tensor x = (x_in.stride(-1) == 1 || x_in.size(-1) == 1) && RowsHaveOneStride(x_in)
                              ? x_in
                              : x_in.contiguous();
  const torch::Tensor weight = weight_in.contiguous();
  AT_DISPATCH_FLOATING_TYPES_AND(at::ScalarType::BFloat16, x.scalar_type(), "CpuRmsNorm",
                                 [&] { NormRows<scalar_t>(x, weight, eps, out); });
  return out;
}

}  // namespace rlzero
