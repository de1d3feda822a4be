// learner/distributed/batch_shard.cc: contiguous and strided shards.
#include "learner/distributed/batch_shard.h"

namespace rlzero {

StatusOr<ShardMode> ParseShardMode(const std::string& name) {
  if (name == "contiguous") return ShardMode::kContiguous;
  if (name == "strided") return ShardMode::kStrided;
  return InvalidArgument("shard mode '" + name + "' is not one of contiguous, strided");
}

StatusOr<std::vector<size_t>> ShardIndices(size_t n, int rank, int world_size, ShardMode mode) {
  if (world_size < 1)
    return InvalidArgument("world_size must be >= 1, got " + std::to_string(world_size));
  if (rank < 0 || rank >= world_size) {
    return InvalidArgument("rank " + std::to_string(rank) + " is outside [0, " +
                           std::to_string(world_size) + ")");
  }
  const size_t w = static_cast<size_t>(world_size);
  const size_t r = static_cast<size_t>(rank);
  std::vector<size_t> out;
  if (mode == ShardMode::kStrided) {
    for (size_t i = r; i < n; i += w) out.push_back(i);
    return out;
  }
  const size_t base = n / w, extra = n % w;
  const size_t begin = r * base + (r < extra ? r : extra);
  const size_t size = base + (r < extra ? 1 : 0);
  for (size_t i = begin; i < begin + size; ++i) out.push_back(i);
  return out;
}

}  // namespace rlzero
