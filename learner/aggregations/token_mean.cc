// learner/aggregations/token_mean.cc: "token-mean" (DAPO): every counted token
// of the mini-batch weighs the same, so long responses are not down-weighted.
#include "learner/loss_aggregation.h"

namespace rlzero {
namespace {

class TokenMean : public LossAggregation {
 public:
  torch::Tensor Aggregate(const torch::Tensor& per_token, const torch::Tensor& mask,
                          const AggregationScale& scale) const override {
    return (per_token * mask).sum() / scale.total_tokens;
  }
};

}  // namespace

std::unique_ptr<LossAggregation> MakeTokenMeanAggregation() {
  return std::make_unique<TokenMean>();
}

}  // namespace rlzero
