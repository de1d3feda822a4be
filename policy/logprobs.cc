// policy/logprobs.cc: see logprobs.h. The chunked lm_head + log-softmax with
// its own backward is policy/linear_logprobs.h.
#include "policy/logprobs.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "policy/linear_logprobs.h"

namespace rlzero {
namespace {

// Rows per chunk given the chunk budget (at least one row).
int64_t RowsPerChunk(int64_t chunk_tokens) { return std::max<int64_t>(1, chunk_tokens); }

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
    std::tie(lp, ent) = LinearLogProbs(h, weight, tg, chunk, with_entropy);
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
