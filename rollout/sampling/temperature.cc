// rollout/sampling/temperature.cc: the temperature stage, logits / T. It runs
// before the log-prob that rollouts return is taken (see sampling_params.h).
#include <cstdio>

#include "rollout/sampling/sampler_stage.h"

namespace rlzero {
namespace {

class TemperatureStage : public SamplerStage {
 public:
  explicit TemperatureStage(double t) : t_(static_cast<float>(t)) {}
  const char* name() const override { return "temperature"; }
  void Apply(Candidates& c) const override {
    for (size_t i = 0; i < c.size; ++i) c.items[i].logit /= t_;
  }

 private:
  float t_;
};

}  // namespace

std::unique_ptr<SamplerStage> MakeTemperatureStage(double temperature) {
  return std::make_unique<TemperatureStage>(temperature);
}

}  // namespace rlzero
