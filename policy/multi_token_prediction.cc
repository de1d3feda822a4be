// policy/multi_token_prediction.cc: see multi_token_prediction.h.
#include "policy/multi_token_prediction.h"

#include <vector>

namespace rlzero {

MultiTokenPredictor* AsMultiTokenPredictor(CausalLM& model) {
  auto* m = dynamic_cast<MultiTokenPredictor*>(&model);
  if (m == nullptr || m->num_mtp_modules() <= 0) return nullptr;
  return m;
}

torch::Tensor MtpLossSums(MultiTokenPredictor& mtp, const torch::Tensor& hidden,
                          const torch::Tensor& input_ids, const torch::Tensor& loss_mask) {
  const int64_t D = mtp.num_mtp_modules();
  const int64_t B = input_ids.size(0), T = input_ids.size(1);
  auto mask = loss_mask.to(torch::kBool);
  std::vector<torch::Tensor> sums;
  torch::Tensor h = hidden;  // depth k's input, [B, >= T-k-1, C]
  for (int64_t k = 0; k < D; ++k) {
    // Positions i = 0 .. L-1 read token i+k+1; targets i+k+2 exist for i < L-1.
    const int64_t L = T - k - 1;
    if (L < 2) {
      sums.push_back(torch::zeros({}, hidden.options().dtype(torch::kFloat32)));
      continue;
    }
    auto positions = torch::arange(L, input_ids.options()).unsqueeze(0).expand({B, L});
    auto [logits, h_next] =
        mtp.MtpForward(k, h.narrow(1, 0, L), input_ids.narrow(1, k + 1, L), positions);
    auto logp = torch::log_softmax(logits.narrow(1, 0, L - 1).to(torch::kFloat32), -1);
    auto targets = input_ids.narrow(1, k + 2, L - 1);                // [B, L-1]
    auto nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1);  // [B, L-1]
    auto m = mask.narrow(1, k + 2, L - 1);
    sums.push_back(nll.masked_fill(m.logical_not(), 0.0).sum());
    h = h_next;
  }
  return torch::stack(sums);
}

}  // namespace rlzero
