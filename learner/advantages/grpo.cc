// learner/advantages/grpo.cc: GRPO (DeepSeekMath / R1-Zero) advantage,
// A_i = (r_i - mean(r)) / (std(r) + eps), std unbiased.
#include "learner/advantage_estimator.h"

namespace rlzero {
namespace {

class GrpoAdvantage : public AdvantageEstimator {
 public:
  std::vector<double> GroupAdvantages(const std::vector<double>& rewards,
                                      double eps) const override {
    double m = Mean(rewards);
    double s = UnbiasedStd(rewards);
    std::vector<double> a;
    a.reserve(rewards.size());
    for (double r : rewards) a.push_back((r - m) / (s + eps));
    return a;
  }
};

}  // namespace

std::unique_ptr<AdvantageEstimator> MakeGrpoAdvantage() {
  return std::make_unique<GrpoAdvantage>();
}

}  // namespace rlzero
