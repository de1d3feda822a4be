// learner/loss_aggregation.cc: registration list of aggregation modes and the
// mini-batch totals they divide by.
#include "learner/loss_aggregation.h"

namespace rlzero {

// One file each in learner/aggregations/.
std::unique_ptr<LossAggregation> MakeTokenMeanAggregation();
std::unique_ptr<LossAggregation> MakeSeqMeanTokenMeanAggregation();
std::unique_ptr<LossAggregation> MakeSeqMeanTokenSumNormAggregation();

namespace {

struct LossAggregationEntry {
  const char* name;
  std::unique_ptr<LossAggregation> (*make)();
};

const LossAggregationEntry kAggregations[] = {
    {"token-mean", MakeTokenMeanAggregation},
    {"seq-mean-token-mean", MakeSeqMeanTokenMeanAggregation},
    {"seq-mean-token-sum-norm", MakeSeqMeanTokenSumNormAggregation},
};

}  // namespace

std::vector<std::string> LossAggregationNames() {
  std::vector<std::string> names;
  for (const LossAggregationEntry& e : kAggregations) names.push_back(e.name);
  return names;
}

StatusOr<std::unique_ptr<LossAggregation>> MakeLossAggregation(const std::string& name) {
  std::string choices;
  for (const LossAggregationEntry& e : kAggregations) {
    if (name == e.name) return e.make();
    choices += choices.empty() ? e.name : std::string(", ") + e.name;
  }
  return InvalidArgument("unknown loss aggregation '" + name + "' (choices: " + choices + ")");
}

MaskCounts CountMasks(const std::vector<torch::Tensor>& masks) {
  MaskCounts c;
  for (const torch::Tensor& m : masks) {
    c.tokens += m.sum().item<double>();
    c.seqs += (m.sum(1) > 0).sum().item<double>();
  }
  return c;
}

AggregationScale ScaleFromCounts(const MaskCounts& counts, double max_response_len) {
  AggregationScale s;
  s.total_tokens = counts.tokens > 0 ? counts.tokens : 1.0;
  s.total_seqs = counts.seqs > 0 ? counts.seqs : 1.0;
  s.max_response_len = max_response_len > 0 ? max_response_len : 1.0;
  return s;
}

AggregationScale ScaleFromMasks(const std::vector<torch::Tensor>& masks, double max_response_len) {
  return ScaleFromCounts(CountMasks(masks), max_response_len);
}

}  // namespace rlzero
