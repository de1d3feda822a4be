// rollout/sampling/sampler_chain.cc: the fixed order temperature -> log-prob
// -> truncations -> pick.
#include "rollout/sampling/sampler_chain.h"

#include <cmath>

namespace rlzero {

StatusOr<SamplerChain> SamplerChain::FromParams(const SamplingParams& params) {
  RLZ_RETURN_IF_ERROR(params.Validate());
  SamplerChain chain;
  chain.greedy_ = params.temperature == 0;
  if (chain.greedy_) return chain;  // truncations never change the argmax
  if (params.temperature != 1.0) chain.temperature_ = MakeTemperatureStage(params.temperature);
  if (params.top_k > 0) chain.truncations_.push_back(MakeTopKStage(params.top_k));
  if (params.top_p < 1.0) chain.truncations_.push_back(MakeTopPStage(params.top_p));
  if (params.min_p > 0.0) chain.truncations_.push_back(MakeMinPStage(params.min_p));
  return chain;
}

std::vector<std::string> SamplerChain::StageNames() const {
  std::vector<std::string> names;
  if (greedy_) return {"greedy"};
  if (temperature_) names.push_back(temperature_->name());
  for (const auto& s : truncations_) names.push_back(s->name());
  names.push_back("random");
  return names;
}

SampledToken SamplerChain::Sample(const float* logits, int64_t vocab, double u,
                                  Candidates* c) const {
  c->Load(logits, vocab);
  if (temperature_) temperature_->Apply(*c);
  // log Z over the full (temperature-scaled) vocabulary. Without
  // truncation the pick below runs over these same candidates with the same
  // max, so their weights are kept and reused instead of computed twice
  // (the same doubles in the same order: the result is unchanged).
  const double max_logit = c->MaxLogit();
  const bool keep_weights = !greedy_ && truncations_.empty();
  if (keep_weights && c->weights.size() < c->size) c->weights.resize(c->size);
  double z = 0;
  for (size_t i = 0; i < c->size; ++i) {
    const double w = std::exp(static_cast<double>(c->items[i].logit) - max_logit);
    if (keep_weights) c->weights[i] = w;
    z += w;
  }
  const double log_z = max_logit + std::log(z);

  SampledToken out;
  if (greedy_) {
    size_t best = 0;  // first maximum = lowest id, since items are in id order
    for (size_t i = 1; i < c->size; ++i) {
      if (c->items[i].logit > c->items[best].logit) best = i;
    }
    out.token = c->items[best].id;
    out.logprob = static_cast<float>(c->items[best].logit - log_z);
    return out;
  }
  for (const auto& stage : truncations_) stage->Apply(*c);
  // Inverse CDF over the surviving candidates in their current order.
  size_t pick = c->size - 1;
  if (keep_weights) {
    const double target = u * z;
    double cum = 0;
    for (size_t i = 0; i < c->size; ++i) {
      cum += c->weights[i];
      if (cum > target) {
        pick = i;
        break;
      }
    }
  } else {
    const double m = c->MaxLogit();
    double total = 0;
    for (size_t i = 0; i < c->size; ++i)
      total += std::exp(static_cast<double>(c->items[i].logit) - m);
    const double target = u * total;
    double cum = 0;
    for (size_t i = 0; i < c->size; ++i) {
      cum += std::exp(static_cast<double>(c->items[i].logit) - m);
      if (cum > target) {
        pick = i;
        break;
      }
    }
  }
  out.token = c->items[pick].id;
  out.logprob = static_cast<float>(static_cast<double>(c->items[pick].logit) - log_z);
  return out;
}

}  // namespace rlzero
