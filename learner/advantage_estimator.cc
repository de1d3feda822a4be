// learner/advantage_estimator.cc: the registration list of advantage
// estimators and the batch pass (degenerate groups, batch normalisation).
#include "learner/advantage_estimator.h"

#include <cmath>

namespace rlzero {

// Each estimator lives in learner/advantages/<name>.cc.
std::unique_ptr<AdvantageEstimator> MakeGrpoAdvantage();
std::unique_ptr<AdvantageEstimator> MakeDrGrpoAdvantage();
std::unique_ptr<AdvantageEstimator> MakeRlooAdvantage();

namespace {

struct AdvantageEstimatorEntry {
  const char* name;
  std::unique_ptr<AdvantageEstimator> (*make)();
};

// The explicit registration list: adding an estimator is one file and one line here.
const AdvantageEstimatorEntry kAdvantageEstimators[] = {
    {"grpo", MakeGrpoAdvantage},
    {"dr_grpo", MakeDrGrpoAdvantage},
    {"rloo", MakeRlooAdvantage},
};

}  // namespace

std::vector<std::string> AdvantageEstimatorNames() {
  std::vector<std::string> names;
  for (const AdvantageEstimatorEntry& e : kAdvantageEstimators) names.push_back(e.name);
  return names;
}

StatusOr<std::unique_ptr<AdvantageEstimator>> MakeAdvantageEstimator(const std::string& name) {
  std::string choices;
  for (const AdvantageEstimatorEntry& e : kAdvantageEstimators) {
    if (name == e.name) return e.make();
    choices += choices.empty() ? e.name : std::string(", ") + e.name;
  }
  return InvalidArgument("unknown advantage estimator '" + name + "' (choices: " + choices + ")");
}

double Mean(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double UnbiasedStd(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  double m = Mean(v);
  double ss = 0.0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

bool IsDegenerateGroup(const std::vector<double>& rewards) {
  if (rewards.size() < 2) return true;
  for (double r : rewards) {
    if (r != rewards[0]) return false;
  }
  return true;
}

std::vector<std::vector<double>> ComputeAdvantages(const AdvantageEstimator& estimator,
                                                   const std::vector<std::vector<double>>& groups,
                                                   const AdvantageOptions& options) {
  std::vector<std::vector<double>> out;
  out.reserve(groups.size());
  std::vector<double> live;  // advantages of non-degenerate groups, for batch normalisation
  for (const auto& group : groups) {
    if (IsDegenerateGroup(group)) {
      out.emplace_back(group.size(), 0.0);
      continue;
    }
    out.push_back(estimator.GroupAdvantages(group, options.eps));
    live.insert(live.end(), out.back().begin(), out.back().end());
  }
  if (options.batch_normalize && live.size() >= 2) {
    double m = Mean(live);
    double s = UnbiasedStd(live);
    for (size_t g = 0; g < groups.size(); ++g) {
      if (IsDegenerateGroup(groups[g])) continue;
      for (double& a : out[g]) a = (a - m) / (s + options.eps);
    }
  }
  return out;
}

}  // namespace rlzero
