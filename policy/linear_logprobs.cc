// policy/linear_logprobs.cc: see linear_logprobs.h. The autograd function
// keeps only its inputs; forward and backward both walk the rows chunk by
// chunk and rebuild that chunk's float32 log_softmax.
#include "policy/linear_logprobs.h"

#include <algorithm>

#include "policy/autocast_scope.h"

namespace rlzero {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// One chunk: h [n, C] and w [V, C] already in the compute dtype ->
// float32 log_softmax [n, V].
torch::Tensor ChunkLogSoftmax(const torch::Tensor& h, const torch::Tensor& w) {
  return torch::log_softmax(torch::matmul(h, w.t()).to(torch::kFloat32), -1);
}

class LinearLogProbFunction : public torch::autograd::Function<LinearLogProbFunction> {
 public:
  // Returns {logprobs [N], entropy [N] (zeros if !with_entropy)} float32.
  static variable_list forward(AutogradContext* ctx, torch::Tensor hidden, torch::Tensor weight,
                               torch::Tensor targets, int64_t chunk, bool with_entropy,
                               int64_t compute_dtype) {
    ctx->save_for_backward({hidden, weight, targets});
    ctx->saved_data["chunk"] = chunk;
    ctx->saved_data["with_entropy"] = with_entropy;
    ctx->saved_data["compute_dtype"] = compute_dtype;
    // An output nobody differentiates (the entropy kept only as a metric)
    // then arrives undefined and its backward term is skipped.
    ctx->set_materialize_grads(false);
    const auto cd = static_cast<c10::ScalarType>(compute_dtype);
    AutocastScope explicit_dtypes(hidden.device().type(), /*enabled=*/false);
    const int64_t n = hidden.size(0);
    auto opts = hidden.options().dtype(torch::kFloat32);
    auto logprobs = torch::empty({n}, opts);
    auto entropy = torch::zeros({n}, opts);
    const torch::Tensor w = weight.to(cd);
    for (int64_t i = 0; i < n; i += chunk) {
      const int64_t len = std::min(chunk, n - i);
      auto lsm = ChunkLogSoftmax(hidden.narrow(0, i, len).to(cd), w);  // [len, V]
      logprobs.narrow(0, i, len).copy_(
          lsm.gather(1, targets.narrow(0, i, len).unsqueeze(1)).squeeze(1));
      if (with_entropy) entropy.narrow(0, i, len).copy_(-(lsm.exp() * lsm).sum(-1));
    }
    return {logprobs, entropy};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto hidden = saved[0], weight = saved[1], targets = saved[2];
    const int64_t chunk = ctx->saved_data["chunk"].toInt();
    const bool with_entropy = ctx->saved_data["with_entropy"].toBool();
    const auto cd = static_cast<c10::ScalarType>(ctx->saved_data["compute_dtype"].toInt());
    const torch::Tensor g_lp = grads[0];
    const torch::Tensor g_h = with_entropy ? grads[1] : torch::Tensor();
    if (!g_lp.defined() && !g_h.defined()) return {{}, {}, {}, {}, {}, {}};
    torch::NoGradGuard no_grad;
    AutocastScope explicit_dtypes(hidden.device().type(), /*enabled=*/false);
    const int64_t n = hidden.size(0);
    auto grad_hidden = torch::zeros_like(hidden);
    auto grad_weight = torch::zeros(weight.sizes(), weight.options().dtype(torch::kFloat32));
    const torch::Tensor w = weight.to(cd);
    for (int64_t i = 0; i < n; i += chunk) {
      const int64_t len = std::min(chunk, n - i);
      auto h = hidden.narrow(0, i, len).to(cd);
      auto lsm = ChunkLogSoftmax(h, w);  // [len, V] float32
      auto p = lsm.exp();
      torch::Tensor dlogits;  // [len, V] float32
      if (g_lp.defined()) {
        auto g = g_lp.narrow(0, i, len).to(torch::kFloat32).unsqueeze(1);  // [len, 1]
        dlogits = -p * g;
        dlogits.scatter_add_(1, targets.narrow(0, i, len).unsqueeze(1), g);
      }
      if (g_h.defined()) {
        auto g = g_h.narrow(0, i, len).to(torch::kFloat32).unsqueeze(1);
        auto ent = -(p * lsm).sum(-1, /*keepdim=*/true);
        auto term = g * p * (lsm + ent);
        dlogits = dlogits.defined() ? dlogits - term : -term;
      }
      auto d = dlogits.to(cd);
      grad_hidden.narrow(0, i, len).copy_(torch::matmul(d, w));
      grad_weight.add_(torch::matmul(d.t(), h));
    }
    return {grad_hidden, grad_weight.to(weight.scalar_type()), {}, {}, {}, {}};
  }
};

}  // namespace

std::pair<torch::Tensor, torch::Tensor> LinearLogProbs(const torch::Tensor& hidden,
                                                       const torch::Tensor& weight,
                                                       const torch::Tensor& targets,
                                                       int64_t chunk_tokens, bool with_entropy) {
  TORCH_CHECK(hidden.dim() == 2 && weight.dim() == 2 && hidden.size(1) == weight.size(1),
              "LinearLogProbs: hidden [N, C] and weight [V, C] expected, got ", hidden.sizes(),
              " and ", weight.sizes());
  TORCH_CHECK(targets.dim() == 1 && targets.size(0) == hidden.size(0),
              "LinearLogProbs: targets [N] expected for N = ", hidden.size(0), ", got ",
              targets.sizes());
  const int64_t n = hidden.size(0);
  const int64_t chunk = chunk_tokens > 0 ? chunk_tokens : std::max<int64_t>(n, 1);
  c10::ScalarType cd = c10::promoteTypes(hidden.scalar_type(), weight.scalar_type());
  const c10::DeviceType dev = hidden.device().type();
  if (cd == torch::kFloat32 && AutocastScope::Enabled(dev)) cd = AutocastScope::Dtype(dev);
  auto out = LinearLogProbFunction::apply(hidden, weight, targets.to(torch::kInt64), chunk,
                                          with_entropy, static_cast<int64_t>(cd));
  return {out[0], with_entropy ? out[1] : torch::Tensor()};
}

}  // namespace rlzero
