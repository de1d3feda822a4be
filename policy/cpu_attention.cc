// policy/cpu_attention.cc: see cpu_attention.h.
#include "policy/cpu_attention.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "policy/cpu_kernel_inputs.h"

namespace rlzero {
namespace {

// Element strides of a 4-D tensor, 0 where a dimension has size 1 (so a
// broadcast mask and a real one index the same way).
struct Strides4 {
  int64_t s0, s1, s2, s3;
};
Strides4 StridesOf(const torch::Tensor& t) {
  auto st = [&](int d) { return t.size(d) == 1 ? 0 : t.stride(d); };
  return {st(0), st(1), st(2), st(3)};
}

// q . k over n elements in 8 independent partial sums (so the compiler can
// use SIMD lanes), combined in a fixed order.
template <typename scalar_t, typename acc_t>
inline acc_t Dot(const scalar_t* a, const scalar_t* b, int64_t n) {
  acc_t part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t d = 0;
  for (; d + 8 <= n; d += 8)
    for (int j = 0; j < 8; ++j)
      part[j] += static_cast<acc_t>(a[d + j]) * static_cast<acc_t>(b[d + j]);
  acc_t tail = 0;
  for (; d < n; ++d) tail += static_cast<acc_t>(a[d]) * static_cast<acc_t>(b[d]);
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7])) +
         tail;
}

template <typename scalar_t>
void AttendRows(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                const torch::Tensor& mask, double scale, torch::Tensor& out) {
  using acc_t = std::conditional_t<std::is_same_v<scalar_t, double>, double, float>;
  const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
  const int64_t Hkv = k.size(1), S = k.size(2), Dv = v.size(3);
  const int64_t group = H / Hkv;
  const Strides4 qs = StridesOf(q), ks = StridesOf(k), vs = StridesOf(v);
  const bool has_mask = mask.defined();
  const Strides4 ms = has_mask ? StridesOf(mask) : Strides4{0, 0, 0, 0};
  const bool* mask_data = has_mask ? mask.data_ptr<bool>() : nullptr;
  const scalar_t* qd = q.data_ptr<scalar_t>();
  const scalar_t* kd = k.data_ptr<scalar_t>();
  const scalar_t* vd = v.data_ptr<scalar_t>();
  scalar_t* od = out.data_ptr<scalar_t>();  // contiguous [B, H, T, Dv]
  const acc_t sc = static_cast<acc_t>(scale);
  const int64_t rows = B * H * T;
  // Rows of ~64K multiply-adds each at least, so tiny calls stay on one thread.
  const int64_t grain = std::max<int64_t>(1, 65536 / std::max<int64_t>(1, S * (D + Dv)));

  at::parallel_for(0, rows, grain, [&](int64_t begin, int64_t end) {
    std::vector<acc_t> w(static_cast<size_t>(S));
    std::vector<acc_t> acc(static_cast<size_t>(Dv));
    for (int64_t row = begin; row < end; ++row) {
      const int64_t b = row / (H * T), h = (row / T) % H, t = row % T;
      const int64_t kvh = h / group;
      const scalar_t* qrow = qd + b * qs.s0 + h * qs.s1 + t * qs.s2;
      const scalar_t* kbase = kd + b * ks.s0 + kvh * ks.s1;
      const scalar_t* vbase = vd + b * vs.s0 + kvh * vs.s1;
      const bool* mrow = has_mask ? mask_data + b * ms.s0 + t * ms.s2 : nullptr;
      const int64_t causal_last = S - T + t;  // undefined mask: keys [0, causal_last]
      auto allowed = [&](int64_t s) { return has_mask ? mrow[s * ms.s3] : s <= causal_last; };

      acc_t max_score = -std::numeric_limits<acc_t>::infinity();
      bool any = false;
      for (int64_t s = 0; s < S; ++s) {
        if (!allowed(s)) continue;
        const scalar_t* krow = kbase + s * ks.s2;
        const acc_t dot = Dot<scalar_t, acc_t>(qrow, krow, D);
        const acc_t score = dot * sc;
        w[s] = score;
        max_score = std::max(max_score, score);
        any = true;
      }
      acc_t total = 0;
      for (int64_t s = 0; s < S; ++s) {
        // No visible key: the math path's softmax over all-lowest scores is uniform.
        const acc_t e = !any ? acc_t(1) : (allowed(s) ? std::exp(w[s] - max_score) : acc_t(0));
        w[s] = e;
        total += e;
      }
      std::fill(acc.begin(), acc.end(), acc_t(0));
      for (int64_t s = 0; s < S; ++s) {
        const acc_t ws = w[s];
        if (ws == acc_t(0)) continue;
        const scalar_t* vrow = vbase + s * vs.s2;
        for (int64_t d = 0; d < Dv; ++d) acc[d] += ws * static_cast<acc_t>(vrow[d]);
      }
      scalar_t* orow = od + row * Dv;
      const acc_t inv = acc_t(1) / total;
      for (int64_t d = 0; d < Dv; ++d) orow[d] = static_cast<scalar_t>(acc[d] * inv);
    }
  });
}

bool UnitInner(const torch::Tensor& t) { return t.size(-1) == 1 || t.stride(-1) == 1; }

}  // namespace

bool CpuAttentionApplies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                         const torch::Tensor& mask) {
  if (!CpuInferenceInputs({&q, &k, &v})) return false;
  if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) return false;
  if (mask.defined() &&
      (mask.scalar_type() != torch::kBool || mask.dim() != 4 || !mask.device().is_cpu()))
    return false;
  return true;
}

torch::Tensor CpuAttention(const torch::Tensor& q_in, const torch::Tensor& k_in,
                           const torch::Tensor& v_in, const torch::Tensor& mask_in, double scale) {
  TORCH_CHECK(CpuAttentionApplies(q_in, k_in, v_in, mask_in),
              "CpuAttention: inputs not supported (need CPU float32/float64/bfloat16, no grad)");
  const int64_t B = q_in.size(0), H = q_in.size(1), T = q_in.size(2), D = q_in.size(3);
  const int64_t Hkv = k_in.size(1), S = k_in.size(2);
  TORCH_CHECK(Hkv > 0 && H % Hkv == 0, "CpuAttention: query heads ", H,
              " not a multiple of kv heads ", Hkv);
  TORCH_CHECK(k_in.size(0) == B && k_in.size(3) == D, "CpuAttention: k ", k_in.sizes(),
              " does not fit q ", q_in.sizes());
  TORCH_CHECK(v_in.size(0) == B && v_in.size(1) == Hkv && v_in.size(2) == S, "CpuAttention: v ",
              v_in.sizes(), " does not fit k ", k_in.sizes());
  TORCH_CHECK(S >= T, "CpuAttention: ", T, " queries but only ", S, " keys");
  if (mask_in.defined()) {
    TORCH_CHECK((mask_in.size(0) == B || mask_in.size(0) == 1) && mask_in.size(1) == 1 &&
                    mask_in.size(2) == T && mask_in.size(3) == S,
                "CpuAttention: mask ", mask_in.sizes(), " does not fit [", B, " or 1, 1, ", T, ", ",
                S, "]");
  }
  const torch::Tensor q = UnitInner(q_in) ? q_in : q_in.contiguous();
  const torch::Tensor k = UnitInner(k_in) ? k_in : k_in.contiguous();
  const torch::Tensor v = UnitInner(v_in) ? v_in : v_in.contiguous();
  auto out = torch::empty({B, H, T, v.size(3)}, q.options());
  if (out.numel() == 0) return out;
  AT_DISPATCH_FLOATING_TYPES_AND(at::ScalarType::BFloat16, q.scalar_type(), "CpuAttention",
                                 [&] { AttendRows<scalar_t>(q, k, v, mask_in, scale, out); });
  return out;
}

}  // namespace rlzero
