// learner/kl/k3.cc: k3 = exp(d) - d - 1 with d = log pi_ref - log pi, the
// estimator of the GRPO paper; non-negative and zero when the policies agree.
// d is clamped to [-20, 20] so a far-off token cannot overflow exp.
#include "learner/kl_estimator.h"

namespace rlzero {
namespace {

class K3 : public KlEstimator {
 public:
  torch::Tensor PerToken(const torch::Tensor& logprobs,
                         const torch::Tensor& ref_logprobs) const override {
    torch::Tensor d = (ref_logprobs - logprobs).clamp(-20.0, 20.0);
    return torch::exp(d) - d - 1.0;
  }
};

}  // namespace

std::unique_ptr<KlEstimator> MakeK3Kl() { return std::make_unique<K3>(); }

}  // namespace rlzero
