// policy/logprobs.cc: see logprobs.h. The custom autograd function keeps only
// the hidden states and the output embedding for backward and recomputes
// each chunk's softmax there: d logp[target] / d logits = onehot - p, and
// d H / d logits = -p * (log p + H).
#include "policy/logprobs.h"

#include <algorithm>

namespace rlzero {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// One chunk: hidden [N, C], weight [V, C] -> float32 log_softmax [N, V].
torch::Tensor ChunkLogSoftmax(const torch::Tensor& h, const torch::Tensor& weight) {
  return torch::log_softmax(torch::matmul(h, weight.t()).to(torch::kFloat32), -1);
}

// Rows per chunk given the chunk budget (at least one row).
int64_t RowsPerChunk(int64_t chunk_tokens) { return std::max<int64_t>(1, chunk_tokens); }

class ChunkedLogProbFunction : public torch::autograd::Function<ChunkedLogProbFunction> {
 public:
  // hidden: [N, C]; weight: [V, C]; targets: [N] int64.
  // Returns {logprobs [N], entropy [N] (zeros if !with_entropy)} float32.
  static variable_list forward(AutogradContext* ctx, torch::Tensor hidden, torch::Tensor weight,
                               torch::Tensor targets, int64_t chunk, bool with_entropy) {
    ctx->save_for_backward({hidden, weight, targets});
    ctx->saved_data["chunk"] = chunk;
    ctx->saved_data["with_entropy"] = with_entropy;
    const int64_t n = hidden.size(0);
    auto opts = hidden.options().dtype(torch::kFloat32);
    auto logprobs = torch::empty({n}, opts);
    auto entropy = torch::zeros({n}, opts);
    for (int64_t i = 0; i < n; i += chunk) {
      const int64_t len = std::min(chunk, n - i);
      auto lsm = ChunkLogSoftmax(hidden.narrow(0, i, len), weight);  // [len, V]
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
    torch::Tensor g_lp = grads[0], g_h = grads[1];
    const int64_t n = hidden.size(0);
    torch::NoGradGuard no_grad;
    auto grad_hidden = torch::zeros_like(hidden);
    auto grad_weight = torch::zeros(weight.sizes(), weight.options().dtype(torch::kFloat32));
    for (int64_t i = 0; i < n; i += chunk) {
      const int64_t len = std::min(chunk, n - i);
      auto h = hidden.narrow(0, i, len);
      auto lsm = ChunkLogSoftmax(h, weight);  // [len, V]
      auto p = lsm.exp();
      torch::Tensor dlogits = torch::zeros_like(lsm);
      if (g_lp.defined()) {
        auto g = g_lp.narrow(0, i, len).to(torch::kFloat32).unsqueeze(1);  // [len, 1]
        dlogits = -p * g;
        dlogits.scatter_add_(1, targets.narrow(0, i, len).unsqueeze(1), g);
      }
      if (with_entropy && g_h.defined()) {
        auto g = g_h.narrow(0, i, len).to(torch::kFloat32).unsqueeze(1);
        auto ent = -(p * lsm).sum(-1, /*keepdim=*/true);
        dlogits = dlogits - g * p * (lsm + ent);
      }
      auto d = dlogits.to(weight.scalar_type());
      grad_hidden.narrow(0, i, len).copy_(torch::matmul(d, weight));
      grad_weight.add_(torch::matmul(dlogits.t(), h.to(torch::kFloat32)));
    }
    return {grad_hidden, grad_weight.to(weight.scalar_type()), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

torch::Tensor PositionsFromPaddingMask(const torch::Tensor& attention_mask) {
  auto m = attention_mask.to(torch::kInt64);
  return (m.cumsum(1) - 1).clamp_min(0) * m;
}

torch::Tensor CausalPaddingAttnMask(const torch::Tensor& attention_mask) {
  const int64_t B = attention_mask.size(0), T = attention_mask.size(1);
  auto causal = torch::ones({T, T}, attention_mask.options().dtype(torch::kBool)).tril();
  auto keys = attention_mask.to(torch::kBool).view({B, 1, 1, T});
  return causal.view({1, 1, T, T}).logical_and(keys);
}

std::pair<torch::Tensor, torch::Tensor> LogProbsFromHidden(CausalLM& model,
                                                           const torch::Tensor& hidden,
                                                           const torch::Tensor& targets,
                                                           int64_t chunk_tokens,
                                                           bool with_entropy) {
  const int64_t B = hidden.size(0), T = hidden.size(1), C = hidden.size(2);
  auto h = hidden.reshape({B * T, C});
  auto tg = targets.reshape({B * T}).to(torch::kInt64);
  const int64_t chunk = RowsPerChunk(chunk_tokens);
  torch::Tensor weight = model.OutputEmbedding();
  torch::Tensor lp, ent;
  if (weight.defined()) {
    auto out = ChunkedLogProbFunction::apply(h, weight, tg, chunk, with_entropy);
    lp = out[0];
    ent = out[1];
  } else {
    // Generic fallback: chunked logits through model.Logits (keeps each
    // chunk's log_softmax for backward).
    std::vector<torch::Tensor> lps, ents;
    for (int64_t i = 0; i < B * T; i += chunk) {
      const int64_t len = std::min(chunk, B * T - i);
      auto lsm = torch::log_softmax(model.Logits(h.narrow(0, i, len)).to(torch::kFloat32), -1);
      lps.push_back(lsm.gather(1, tg.narrow(0, i, len).unsqueeze(1)).squeeze(1));
      if (with_entropy) ents.push_back(-(lsm.exp() * lsm).sum(-1));
    }
    lp = torch::cat(lps);
    if (with_entropy) ent = torch::cat(ents);
  }
  lp = lp.view({B, T});
  if (with_entropy) {
    ent = ent.view({B, T});
  } else {
    ent = torch::Tensor();
  }
  return {lp, ent};
}

TokenLogProbsResult TokenLogProbs(CausalLM& model, const torch::Tensor& input_ids,
                                  const torch::Tensor& attention_mask,
                                  const torch::Tensor& completion_start, int64_t chunk_tokens,
                                  bool with_entropy) {
  const int64_t B = input_ids.size(0), T = input_ids.size(1);
  TORCH_CHECK(T >= 2, "TokenLogProbs needs at least 2 tokens per row, got ", T);
  torch::Tensor real = attention_mask.defined()
                           ? attention_mask.to(torch::kBool)
                           : torch::ones({B, T}, input_ids.options().dtype(torch::kBool));
  torch::Tensor positions, mask;
  if (attention_mask.defined()) {
    positions = PositionsFromPaddingMask(real);
    mask = CausalPaddingAttnMask(real);
  } else {
    positions = torch::arange(T, input_ids.options().dtype(torch::kInt64)).expand({B, T});
  }
  auto hidden = model.Forward(input_ids, positions, mask, nullptr);  // [B, T, C]
  auto targets = input_ids.narrow(1, 1, T - 1);
  auto [lp, ent] =
      LogProbsFromHidden(model, hidden.narrow(1, 0, T - 1), targets, chunk_tokens, with_entropy);
  // Scored: the target is real, and so is its context (the token before it).
  auto scored = real.narrow(1, 1, T - 1).logical_and(real.narrow(1, 0, T - 1));
  if (completion_start.defined()) {
    auto idx = torch::arange(1, T, input_ids.options().dtype(torch::kInt64)).view({1, T - 1});
    scored = scored.logical_and(idx >= completion_start.to(torch::kInt64).view({B, 1}));
  }
  TokenLogProbsResult r;
  r.mask = scored;
  r.hidden = hidden;
  r.logprobs = lp * scored.to(torch::kFloat32);
  if (with_entropy) r.entropy = ent * scored.to(torch::kFloat32);
  return r;
}

}  // namespace rlzero
