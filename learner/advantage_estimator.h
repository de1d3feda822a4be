// learner/advantage_estimator.h: group-relative advantage estimators, chosen
// by name ("grpo", "dr_grpo", "rloo"), and the batch-level pass around them.
//
// An estimator turns the rewards of one group (the G completions sampled for
// one prompt) into one scalar advantage per completion; the learner
// broadcasts it over the completion's tokens. Non-goals: per-token (GAE /
// value-function) advantages.
//
// Contract of ComputeAdvantages:
//   - a group whose rewards are all exactly equal gets advantage 0 for every
//     member, whatever the estimator or the batch normalisation (it carries no
//     learning signal; DAPO's dynamic sampling drops such groups anyway);
//   - batch_normalize (REINFORCE++-style) then rescales the advantages of the
//     remaining samples to mean 0, std 1 over those samples only, so that the
//     zero of degenerate groups stays zero.
// Standard deviations are the unbiased (N-1) ones, as torch.std / TRL / verl.
// Torch-free. Thread safety: estimators are immutable after construction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero {

class AdvantageEstimator {
 public:
  virtual ~AdvantageEstimator() = default;
  // rewards: one group, size G >= 2, not all equal. Returns G advantages.
  // eps: added to denominators (GRPO's std + eps).
  virtual std::vector<double> GroupAdvantages(const std::vector<double>& rewards,
                                              double eps) const = 0;
};

// Names in the registration list, in order.
std::vector<std::string> AdvantageEstimatorNames();
// The estimator registered as `name`, or INVALID_ARGUMENT naming the choices.
StatusOr<std::unique_ptr<AdvantageEstimator>> MakeAdvantageEstimator(const std::string& name);

struct AdvantageOptions {
  double eps = 1e-6;
  bool batch_normalize = false;
};

// groups[g][i]: reward of completion i of group g. Returns advantages of the
// same shape (see the contract above).
std::vector<std::vector<double>> ComputeAdvantages(const AdvantageEstimator& estimator,
                                                   const std::vector<std::vector<double>>& groups,
                                                   const AdvantageOptions& options);

// True if every reward of the group is exactly equal (or the group has < 2 members).
bool IsDegenerateGroup(const std::vector<double>& rewards);

// Mean and unbiased standard deviation (0 for fewer than 2 values).
double Mean(const std::vector<double>& v);
double UnbiasedStd(const std::vector<double>& v);

}  // namespace rlzero
