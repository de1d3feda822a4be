// learner/advantages/dr_grpo.cc: Dr. GRPO advantage (Liu et al., 2025,
// "Understanding R1-Zero-Like Training"): A_i = r_i - mean(r), no division by
// the group std (which biases towards too-easy / too-hard questions).
#include "learner/advantage_estimator.h"

namespace rlzero {
namespace {

class DrGrpoAdvantage : public AdvantageEstimator {
 public:
  std::vector<double> GroupAdvantages(const std::vector<double>& rewards,
                                      double /*eps*/) const override {
    double m = Mean(rewards);
    std::vector<double> a;
    a.reserve(rewards.size());
    for (double r : rewards) a.push_back(r - m);
    return a;
  }
};

}  // namespace

std::unique_ptr<AdvantageEstimator> MakeDrGrpoAdvantage() {
  return std::make_unique<DrGrpoAdvantage>();
}

}  // namespace rlzero
