// rollout/sampling/top_p.cc: nucleus truncation. Probabilities are
// renormalised over the live candidates (so after top-k, top-p sees the
// top-k distribution, as transformers and vLLM do).
#include <cmath>
#include <vector>

#include "rollout/sampling/sampler_stage.h"

namespace rlzero {
namespace {

class TopPStage : public SamplerStage {
 public:
  explicit TopPStage(double p) : p_(p) {}
  const char* name() const override { return "top_p"; }
  void Apply(Candidates& c) const override {
    if (c.size <= 1 || p_ >= 1.0) return;
    c.Sort();
    const double max_logit = c.items[0].logit;
    double total = 0;
    for (size_t i = 0; i < c.size; ++i) total += std::exp(c.items[i].logit - max_logit);
    const double target = p_ * total;
    double cum = 0;
    size_t keep = c.size;
    for (size_t i = 0; i < c.size; ++i) {
      cum += std::exp(c.items[i].logit - max_logit);
      if (cum >= target) {
        keep = i + 1;
        break;
      }
    }
    c.size = keep;
  }

 private:
  double p_;
};

}  // namespace

std::unique_ptr<SamplerStage> MakeTopPStage(double p) { return std::make_unique<TopPStage>(p); }

}  // namespace rlzero
