// learner/distributed/scalar_reduce.h: all-reduce of scalar metrics and
// counts (loss sums, token counts, rewards) across data-parallel ranks.
//
// Contract: every rank passes the same number of values in the same order;
// the values travel as one float64 tensor through one process-group
// all-reduce (exact for integer counts below 2^53). kMean divides the sum by
// the world size. World size 1 returns the input unchanged.
// Typical use: the global token count for token-mean loss normalisation
//   RLZ_ASSIGN_OR_RETURN(auto n, AllReduceScalars(group, {local_tokens}, ReduceOp::kSum));
// Thread safety: as DataParallelGroup.
#pragma once

#include <vector>

#include "base/status.h"
#include "learner/distributed/data_parallel_group.h"

namespace rlzero {

StatusOr<std::vector<double>> AllReduceScalars(DataParallelGroup& group,
                                               const std::vector<double>& values,
                                               ReduceOp op = ReduceOp::kSum);

}  // namespace rlzero
