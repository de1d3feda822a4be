// learner/micro_batching.h: split a mini-batch of sequences into micro-batches
// under a token budget, padding-aware.
//
// A micro-batch is padded to its longest sequence, so its cost is
// count * max_len tokens. PlanMicroBatches sorts the sequences by length
// (stable, longest first) and packs them greedily so that each micro-batch's
// padded cost stays within token_budget; a single sequence longer than the
// budget gets a micro-batch of its own. The result lists indices into
// `lengths`; every index appears exactly once. Deterministic.
// Gradient accumulation over micro-batches is exact because the loss
// aggregation normalises by mini-batch totals (see loss_aggregation.h), not
// per micro-batch. Torch-free. Thread safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

namespace rlzero {

// token_budget <= 0 means one micro-batch holding everything.
std::vector<std::vector<int>> PlanMicroBatches(const std::vector<int64_t>& lengths,
                                               int64_t token_budget);

// Splits indices [0, n) into `parts` contiguous, nearly equal chunks (the
// first n % parts chunks get one more). parts is clamped to [1, n].
std::vector<std::vector<int>> SplitEvenly(int n, int parts);

}  // namespace rlzero
