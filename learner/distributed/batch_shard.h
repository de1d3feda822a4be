// learner/distributed/batch_shard.h: which samples of a global batch a
// data-parallel rank trains on.
//
// Contract: the shards of ranks 0..world_size-1 partition [0, n): every index
// belongs to exactly one rank, ascending within a shard. Sizes differ by at
// most one (the first n % world_size ranks get one more). A rank may get an
// empty shard when n < world_size: it must still join every collective (its
// gradients are zeros).
//   kContiguous: rank r takes one block [begin_r, end_r) — keeps a GRPO group
//                (G consecutive completions of one prompt) together when
//                n / world_size is a multiple of G.
//   kStrided:    rank r takes r, r + world_size, r + 2*world_size, ...
// For 2 ranks to equal 1 rank, the loss must be normalised by GLOBAL counts
// (see model_sync.h and docs/distributed.md), not by the shard's own.
// Non-goals: load balancing by token count.
// Thread safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero {

enum class ShardMode { kContiguous, kStrided };

StatusOr<ShardMode> ParseShardMode(const std::string& name);  // "contiguous" | "strided"

StatusOr<std::vector<size_t>> ShardIndices(size_t n, int rank, int world_size,
                                           ShardMode mode = ShardMode::kContiguous);

}  // namespace rlzero
