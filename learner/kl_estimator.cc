// learner/kl_estimator.cc: registration list of KL estimators.
#include "learner/kl_estimator.h"

namespace rlzero {

std::unique_ptr<KlEstimator> MakeK1Kl();  // learner/kl/k1.cc
std::unique_ptr<KlEstimator> MakeK3Kl();  // learner/kl/k3.cc

namespace {

struct KlEstimatorEntry {
  const char* name;
  std::unique_ptr<KlEstimator> (*make)();
};

const KlEstimatorEntry kKlEstimators[] = {
    {"k1", MakeK1Kl},
    {"k3", MakeK3Kl},
};

}  // namespace

std::vector<std::string> KlEstimatorNames() {
  std::vector<std::string> names;
  for (const KlEstimatorEntry& e : kKlEstimators) names.push_back(e.name);
  return names;
}

StatusOr<std::unique_ptr<KlEstimator>> MakeKlEstimator(const std::string& name) {
  std::string choices;
  for (const KlEstimatorEntry& e : kKlEstimators) {
    if (name == e.name) return e.make();
    choices += choices.empty() ? e.name : std::string(", ") + e.name;
  }
  return InvalidArgument("unknown KL estimator '" + name + "' (choices: " + choices + ")");
}

}  // namespace rlzero
