// learner/kl/k1.cc: k1 = log pi - log pi_ref, the plain log-ratio.
#include "learner/kl_estimator.h"

namespace rlzero {
namespace {

class K1 : public KlEstimator {
 public:
  torch::Tensor PerToken(const torch::Tensor& logprobs,
                         const torch::Tensor& ref_logprobs) const override {
    return logprobs - ref_logprobs;
  }
};

}  // namespace

std::unique_ptr<KlEstimator> MakeK1Kl() { return std::make_unique<K1>(); }

}  // namespace rlzero
