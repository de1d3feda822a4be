// learner/kl_estimator.h: per-token estimators of KL(pi_theta || pi_ref) from
// tokens sampled by pi_theta (Schulman, "Approximating KL Divergence"),
// chosen by name:
//   "k1": log pi - log pi_ref                       (unbiased, can be < 0)
//   "k3": exp(log pi_ref - log pi) - (log pi_ref - log pi) - 1   (>= 0, 0 iff equal)
// Shapes: logprobs, ref_logprobs [B, T] float; result [B, T]. Differentiable
// in logprobs. Thread safety: immutable objects.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "policy/torch_compat.h"

namespace rlzero {

class KlEstimator {
 public:
  virtual ~KlEstimator() = default;
  virtual torch::Tensor PerToken(const torch::Tensor& logprobs,
                                 const torch::Tensor& ref_logprobs) const = 0;
};

std::vector<std::string> KlEstimatorNames();
StatusOr<std::unique_ptr<KlEstimator>> MakeKlEstimator(const std::string& name);

}  // namespace rlzero
