// learner/advantages/rloo.cc: REINFORCE leave-one-out (Ahmadian et al., 2024):
// A_i = r_i - mean_{j != i} r_j, the baseline of each sample being the mean
// reward of the other G-1 samples of its group.
#include "learner/advantage_estimator.h"

namespace rlzero {
namespace {

class RlooAdvantage : public AdvantageEstimator {
 public:
  std::vector<double> GroupAdvantages(const std::vector<double>& rewards,
                                      double /*eps*/) const override {
    double sum = 0.0;
    for (double r : rewards) sum += r;
    const double others = static_cast<double>(rewards.size() - 1);
    std::vector<double> a;
    a.reserve(rewards.size());
    for (double r : rewards) a.push_back(r - (sum - r) / others);
    return a;
  }
};

}  // namespace

std::unique_ptr<AdvantageEstimator> MakeRlooAdvantage() {
  return std::make_unique<RlooAdvantage>();
}

}  // namespace rlzero
