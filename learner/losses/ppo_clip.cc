// learner/losses/ppo_clip.cc: PPO's clipped surrogate with separate lower and
// upper clip ranges (DAPO clip-higher) and optional dual-clip:
//   r = exp(logp - old_logp)
//   L = max(-A r, -A clip(r, 1 - clip_low, 1 + clip_high))
//   dual-clip (c > 1, only where A < 0): L = min(L, -A c)
// A token whose clipped branch wins contributes a constant, hence no
// gradient in the direction the clip guards.
#include "learner/policy_loss.h"

namespace rlzero {
namespace {

class PpoClip : public PolicyLoss {
 public:
  explicit PpoClip(const PolicyLossOptions& o) : o_(o) {}

  PolicyLossOutput Compute(const torch::Tensor& logprobs, const torch::Tensor& old_logprobs,
                           const torch::Tensor& advantages) const override {
    // The log-ratio is clamped only to keep exp finite on wild tokens.
    torch::Tensor ratio = torch::exp((logprobs - old_logprobs).clamp(-20.0, 20.0));
    torch::Tensor unclipped = -advantages * ratio;
    torch::Tensor clipped = -advantages * ratio.clamp(1.0 - o_.clip_low, 1.0 + o_.clip_high);
    torch::Tensor loss = torch::max(unclipped, clipped);
    torch::Tensor clip_active = clipped > unclipped;
    torch::Tensor low = clip_active & (ratio < 1.0 - o_.clip_low);
    torch::Tensor high = clip_active & (ratio > 1.0 + o_.clip_high);
    if (o_.dual_clip > 1.0) {
      torch::Tensor bound = -advantages * o_.dual_clip;
      torch::Tensor dual_active = (advantages < 0) & (loss > bound);
      loss = torch::where(dual_active, bound, loss);
      high = high | dual_active;
    }
    PolicyLossOutput out;
    out.per_token_loss = loss;
    out.clipped_low = low.to(torch::kFloat32);
    out.clipped_high = high.to(torch::kFloat32);
    out.ratio = ratio.detach();
    return out;
  }

 private:
  PolicyLossOptions o_;
};

}  // namespace

std::unique_ptr<PolicyLoss> MakePpoClipLoss(const PolicyLossOptions& options) {
  return std::make_unique<PpoClip>(options);
}

}  // namespace rlzero
