// learner/aggregations/seq_mean_token_sum_norm.cc: "seq-mean-token-sum-norm"
// (Dr. GRPO): token sums of each sequence divided by one constant, the
// maximum response length, then the mean over sequences. No per-sequence
// length normalisation, hence no length bias.
#include "learner/loss_aggregation.h"

namespace rlzero {
namespace {

class SeqMeanTokenSumNorm : public LossAggregation {
 public:
  torch::Tensor Aggregate(const torch::Tensor& per_token, const torch::Tensor& mask,
                          const AggregationScale& scale) const override {
    return (per_token * mask).sum() / (scale.max_response_len * scale.total_seqs);
  }
};

}  // namespace

std::unique_ptr<LossAggregation> MakeSeqMeanTokenSumNormAggregation() {
  return std::make_unique<SeqMeanTokenSumNorm>();
}

}  // namespace rlzero
