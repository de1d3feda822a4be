// learner/aggregations/seq_mean_token_mean.cc: "seq-mean-token-mean", the
// GRPO paper's 1/G sum_i 1/|o_i| sum_t: mean over each sequence's tokens, then
// mean over sequences.
#include "learner/loss_aggregation.h"

namespace rlzero {
namespace {

class SeqMeanTokenMean : public LossAggregation {
 public:
  torch::Tensor Aggregate(const torch::Tensor& per_token, const torch::Tensor& mask,
                          const AggregationScale& scale) const override {
    torch::Tensor tokens = mask.sum(1);                                         // [B]
    torch::Tensor per_seq = (per_token * mask).sum(1) / tokens.clamp_min(1.0);  // [B]
    return per_seq.sum() / scale.total_seqs;
  }
};

}  // namespace

std::unique_ptr<LossAggregation> MakeSeqMeanTokenMeanAggregation() {
  return std::make_unique<SeqMeanTokenMean>();
}

}  // namespace rlzero
