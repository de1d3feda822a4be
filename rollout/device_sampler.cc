// rollout/device_sampler.cc: see device_sampler.h.
#include "rollout/device_sampler.h"

#include <cmath>
#include <limits>
#include <tuple>

namespace rlzero {

StatusOr<DeviceSampler> DeviceSampler::FromParams(const SamplingParams& params) {
  RLZ_RETURN_IF_ERROR(params.Validate());
  DeviceSampler s;
  s.greedy_ = params.temperature == 0;
  s.temperature_ = params.temperature;
  s.top_k_ = params.top_k;
  s.top_p_ = params.top_p;
  s.min_p_ = params.min_p;
  return s;
}

DeviceSamples DeviceSampler::Sample(const torch::Tensor& logits, const torch::Tensor& u) const {
  torch::Tensor l = logits.to(torch::kFloat32);  // [B, V]
  const int64_t B = l.size(0), V = l.size(1);
  if (!greedy_ && temperature_ != 1.0) {
    l = l.div(torch::full({}, static_cast<float>(temperature_), l.options()));
  }
  torch::Tensor ld = l.to(torch::kFloat64);
  torch::Tensor row_max = std::get<0>(ld.max(1, /*keepdim=*/true));  // [B, 1]
  // Every total is the last entry of a cumulative sum: on CPU that is the
  // host chain's left-to-right sum exactly (sum() reduces pairwise).
  auto total_of = [](const torch::Tensor& cum) { return cum.narrow(1, cum.size(1) - 1, 1); };
  torch::Tensor log_z = row_max + total_of((ld - row_max).exp().cumsum(1)).log();  // [B, 1]
  if (greedy_) {
    torch::Tensor token = l.argmax(1, /*keepdim=*/true);  // first maximum
    return {token.squeeze(1), (ld.gather(1, token) - log_z).squeeze(1).to(torch::kFloat32)};
  }

  // Candidates in order: `lo` their double logits, `order` their ids (an
  // undefined order means id order), `live` which survive.
  torch::Tensor lo = ld, order;
  const bool sorted = top_k_ > 0 || top_p_ < 1.0;
  if (sorted) {
    torch::Tensor values;
    std::tie(values, order) = l.sort(/*stable=*/true, /*dim=*/1, /*descending=*/true);
    lo = values.to(torch::kFloat64);
    if (top_k_ > 0 && top_k_ < V) {
      lo = lo.narrow(1, 0, top_k_);
      order = order.narrow(1, 0, top_k_);
    }
  }
  const int64_t n = lo.size(1);
  auto positions = torch::arange(n, lo.options().dtype(torch::kInt64)).unsqueeze(0);  // [1, n]
  torch::Tensor live = torch::ones({B, n}, lo.options().dtype(torch::kBool));
  if (top_p_ < 1.0 && n > 1) {
    // Sorted, all n live: the max is the first.
    torch::Tensor cum = (lo - lo.narrow(1, 0, 1)).exp().cumsum(1);
    torch::Tensor keep = cum.lt(total_of(cum) * top_p_).sum(1, true) + 1;  // [B, 1]
    live = positions.lt(keep);  // keep > n (rounding) keeps all, as the host
  }
  const double inf = std::numeric_limits<double>::infinity();
  if (min_p_ > 0) {
    torch::Tensor max_live = std::get<0>(lo.masked_fill(live.logical_not(), -inf).max(1, true));
    live = live.logical_and(lo.ge(max_live + std::log(min_p_)));
  }
  // Inverse CDF over the survivors in candidate order.
  torch::Tensor masked = lo.masked_fill(live.logical_not(), -inf);
  torch::Tensor cum = (masked - std::get<0>(masked.max(1, true))).exp().cumsum(1);  // dead: +0
  torch::Tensor target = u.to(torch::kFloat64).view({B, 1}) * total_of(cum);
  // Cumulative mass is flat across dead candidates, so the first position
  // above the target is a survivor.
  torch::Tensor pick = cum.le(target).sum(1, true);  // [B, 1]
  torch::Tensor last_live = std::get<0>((positions * live).max(1, true));
  pick = torch::where(pick.ge(n), last_live, pick);
  torch::Tensor token = order.defined() ? order.gather(1, pick) : pick;
  torch::Tensor logprob = lo.gather(1, pick) - log_z;
  return {token.squeeze(1), logprob.squeeze(1).to(torch::kFloat32)};
}

}  // namespace rlzero
