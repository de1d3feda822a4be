// policy/cpu_rope.cc: see cpu_rope.h.
#include "policy/cpu_rope.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>

#include "policy/cpu_kernel_inputs.h"

namespace rlzero {
namespace {

template <typename scalar_t>
void RotateRows(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                torch::Tensor& out) {
  const int64_t B = x.size(0), H = x.size(1), T = x.size(2), D = x.size(3);
  const int64_t half = D / 2;
  const int64_t xs0 = x.stride(0), xs1 = x.stride(1), xs2 = x.stride(2);
  // cos/sin are [B or 1, T, D]; a broadcast batch reads row 0.
  const int64_t cs0 = cos.size(0) == 1 ? 0 : cos.stride(0), cs1 = cos.stride(1);
  const int64_t ss0 = sin.size(0) == 1 ? 0 : sin.stride(0), ss1 = sin.stride(1);
  const scalar_t* xd = x.data_ptr<scalar_t>();
  const scalar_t* cd = cos.data_ptr<scalar_t>();
  const scalar_t* sd = sin.data_ptr<scalar_t>();
  scalar_t* od = out.data_ptr<scalar_t>();  // contiguous [B, H, T, D]
  const int64_t rows = B * H * T;
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, D));
  at::parallel_for(0, rows, grain, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t b = row / (H * T), h = (row / T) % H, t = row % T;
      const scalar_t* xr = xd + b * xs0 + h * xs1 + t * xs2;
      const scalar_t* c = cd + b * cs0 + t * cs1;
      const scalar_t* s = sd + b * ss0 + t * ss1;
      scalar_t* y = od + row * D;
      // Each product and the sum rounded to scalar_t, as x * c + rot * s is.
      for (int64_t i = 0; i < half; ++i) {
        const scalar_t a = xr[i] * c[i];
        const scalar_t r = static_cast<scalar_t>(-xr[i + half]) * s[i];
        y[i] = a + r;
      }
      for (int64_t i = half; i < D; ++i) {
        const scalar_t a = xr[i] * c[i];
        const scalar_t r = xr[i - half] * s[i];
        y[i] = a + r;
      }
    }
  });
}

}  // namespace

bool CpuRopeApplies(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  if (!CpuInferenceInputs({&x, &cos, &sin})) return false;
  if (x.dim() != 4 || cos.dim() != 3 || sin.dim() != 3) return false;
  const int64_t B = x.size(0), T = x.size(2), D = x.size(3);
  if (D % 2 != 0) return false;
  for (const torch::Tensor* t : {&cos, &sin}) {
    if ((t->size(0) != B && t->size(0) != 1) || t->size(1) != T || t->size(2) != D) return false;
  }
  return true;
}

torch::Tensor CpuRope(const torch::Tensor& x_in, const torch::Tensor& cos_in,
                      const torch::Tensor& sin_in) {
  TORCH_CHECK(CpuRopeApplies(x_in, cos_in, sin_in),
              "CpuRope: inputs not supported (need CPU float32/float64/bfloat16 x [B, H, T, D] ",
              "with D even, cos/sin [B or 1, T, D] of its dtype, no grad)");
  auto unit_inner = [](const torch::Tensor& t) {
    return t.size(-1) <= 1 || t.stride(-1) == 1 ? t : t.contiguous();
  };
  const torch::Tensor x = unit_inner(x_in), cos = unit_inner(cos_in), sin = unit_inner(sin_in);
  auto out = torch::empty(x.sizes(), x.options().memory_format(at::MemoryFormat::Contiguous));
  if (out.numel() == 0) return out;
  AT_DISPATCH_FLOATING_TYPES_AND(at::ScalarType::BFloat16, x.scalar_type(), "CpuRope",
                                 [&] { RotateRows<scalar_t>(x, cos, sin, out); });
  return out;
}

}  // namespace rlzero
