// learner/loss_aggregation.h: how per-token losses become one scalar, chosen
// by name. The three modes the literature switches between:
//   "token-mean"              (DAPO)      sum_bt L*M / total_tokens
//   "seq-mean-token-mean"     (GRPO)      sum_b (sum_t L*M / sum_t M) / total_seqs
//   "seq-mean-token-sum-norm" (Dr. GRPO)  sum_bt L*M / (max_response_len * total_seqs)
// Shapes: per_token [B, T] float, mask [B, T] float (1 = the token counts).
//
// Contract: the denominators come from AggregationScale, the totals of the
// whole mini-batch (the set of sequences one optimiser step sees), so that the
// sum of Aggregate over its micro-batches equals Aggregate over the whole
// mini-batch: gradient accumulation is exact. total_seqs counts sequences with
// at least one masked-in token; a sequence with none contributes 0.
// Thread safety: immutable objects.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "policy/torch_compat.h"

namespace rlzero {

struct AggregationScale {
  double total_tokens = 1.0;      // sum of the mask over the mini-batch
  double total_seqs = 1.0;        // sequences with >= 1 counted token
  double max_response_len = 1.0;  // Dr. GRPO's constant (generation max_tokens)
};

class LossAggregation {
 public:
  virtual ~LossAggregation() = default;
  // Returns a scalar: this micro-batch's share of the mini-batch loss.
  virtual torch::Tensor Aggregate(const torch::Tensor& per_token, const torch::Tensor& mask,
                                  const AggregationScale& scale) const = 0;
};

std::vector<std::string> LossAggregationNames();
StatusOr<std::unique_ptr<LossAggregation>> MakeLossAggregation(const std::string& name);

// Raw totals of a set of masks (no clamping): data-parallel ranks sum these
// over ranks before turning them into a scale.
struct MaskCounts {
  double tokens = 0.0;  // sum of the masks
  double seqs = 0.0;    // rows with any counted token
};
MaskCounts CountMasks(const std::vector<torch::Tensor>& masks);
// Scale from totals; a zero total becomes 1 (nothing to divide, loss is 0).
AggregationScale ScaleFromCounts(const MaskCounts& counts, double max_response_len);

// Scale for a set of masks (e.g. every micro-batch of a mini-batch): sums
// tokens and counts sequences with any counted token. mask: [B, T] float.
AggregationScale ScaleFromMasks(const std::vector<torch::Tensor>& masks, double max_response_len);

}  // namespace rlzero
