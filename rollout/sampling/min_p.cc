// rollout/sampling/min_p.cc: keep candidates whose probability is at least
// min_p times the most likely one's: logit >= max_logit + log(min_p).
#include <cmath>

#include "rollout/sampling/sampler_stage.h"

namespace rlzero {
namespace {

class MinPStage : public SamplerStage {
 public:
  explicit MinPStage(double min_p) : log_min_p_(std::log(min_p)) {}
  const char* name() const override { return "min_p"; }
  void Apply(Candidates& c) const override {
    if (c.size <= 1) return;
    const double threshold = static_cast<double>(c.MaxLogit()) + log_min_p_;
    size_t out = 0;
    for (size_t i = 0; i < c.size; ++i) {
      if (static_cast<double>(c.items[i].logit) >= threshold) c.items[out++] = c.items[i];
    }
    c.size = out;  // the max always survives, so out >= 1
  }

 private:
  double log_min_p_;
};

}  // namespace

std::unique_ptr<SamplerStage> MakeMinPStage(double min_p) {
  return std::make_unique<MinPStage>(min_p);
}

}  // namespace rlzero
