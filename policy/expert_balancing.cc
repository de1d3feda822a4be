// policy/expert_balancing.cc: see expert_balancing.h.
#include "policy/expert_balancing.h"

#include <algorithm>

namespace rlzero {

ExpertBalancing* AsExpertBalancing(CausalLM& model) {
  auto* b = dynamic_cast<ExpertBalancing*>(&model);
  if (b == nullptr || b->ExpertLoads().empty()) return nullptr;
  return b;
}

ScopedExpertLoadMask::ScopedExpertLoadMask(ExpertBalancing* balancing, const torch::Tensor& counted)
    : balancing_(balancing) {
  if (balancing_ != nullptr) balancing_->SetExpertLoadMask(counted);
}

ScopedExpertLoadMask::~ScopedExpertLoadMask() {
  if (balancing_ != nullptr) balancing_->SetExpertLoadMask(torch::Tensor());
}

ExpertLoadStats ComputeExpertLoadStats(const std::vector<torch::Tensor>& loads) {
  ExpertLoadStats s;
  for (const torch::Tensor& l : loads) {
    auto load = l.detach().to(torch::kCPU, torch::kFloat64);
    const double mean = load.mean().item<double>();
    if (!(mean > 0)) continue;
    const double max_over_mean = load.max().item<double>() / mean;
    const double cv = (load - mean).pow(2).mean().sqrt().item<double>() / mean;
    s.max_over_mean += max_over_mean;
    s.cv += cv;
    s.worst_max_over_mean = std::max(s.worst_max_over_mean, max_over_mean);
    ++s.layers;
  }
  if (s.layers > 0) {
    s.max_over_mean /= static_cast<double>(s.layers);
    s.cv /= static_cast<double>(s.layers);
  }
  return s;
}

}  // namespace rlzero
