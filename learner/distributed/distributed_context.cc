// learner/distributed/distributed_context.cc: RANK / WORLD_SIZE / SLURM_* /
// MASTER_* parsing. Integers are parsed strictly (whole string, base 10) so a
// typo such as WORLD_SIZE=2x is an error rather than a silent 2.
#include "learner/distributed/distributed_context.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace rlzero {
namespace {

StatusOr<long> ParseInt(const std::string& name, const std::string& value) {
  if (value.empty()) return InvalidArgument(name + " is set but empty");
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(value.c_str(), &end, 10);
  if (errno != 0 || end == value.c_str() || *end != '\0' || v > std::numeric_limits<int>::max() ||
      v < std::numeric_limits<int>::min()) {
    return InvalidArgument(name + "='" + value + "' is not an integer");
  }
  return v;
}

// The first set variable of `names`; nullopt when none is set.
std::optional<std::pair<std::string, std::string>> FirstSet(
    const EnvLookup& env, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto v = env(n)) return std::make_pair(std::string(n), *v);
  }
  return std::nullopt;
}

}  // namespace

std::string DistributedContext::ToString() const {
  std::string s = "rank " + std::to_string(rank) + "/" + std::to_string(world_size) + " (local " +
                  std::to_string(local_rank) + ") via " + source;
  if (distributed()) s += " at " + master_addr + ":" + std::to_string(master_port);
  return s;
}

StatusOr<DistributedContext> ParseDistributedContext(const EnvLookup& env) {
  DistributedContext ctx;
  auto world = FirstSet(env, {"WORLD_SIZE", "SLURM_NTASKS"});
  if (world) {
    RLZ_ASSIGN_OR_RETURN(long w, ParseInt(world->first, world->second));
    if (w < 1) return InvalidArgument(world->first + "='" + world->second + "' must be >= 1");
    ctx.world_size = static_cast<int>(w);
  }
  // RANK wins over SLURM_PROCID; the source follows the variable that set it.
  auto rank = FirstSet(env, {"RANK", "SLURM_PROCID"});
  if (rank) {
    RLZ_ASSIGN_OR_RETURN(long r, ParseInt(rank->first, rank->second));
    if (r < 0 || r >= ctx.world_size) {
      return InvalidArgument(rank->first + "='" + rank->second + "' is outside [0, " +
                             std::to_string(ctx.world_size) + ") given " +
                             (world ? world->first : std::string("world size 1")) +
                             (world ? "=" + world->second : std::string()));
    }
    ctx.rank = static_cast<int>(r);
    ctx.source = rank->first == "RANK" ? "torchrun" : "slurm";
  } else if (ctx.world_size > 1) {
    return InvalidArgument(world->first + "=" + world->second +
                           " but neither RANK nor SLURM_PROCID is set");
  }
  if (auto local = FirstSet(env, {"LOCAL_RANK", "SLURM_LOCALID"})) {
    RLZ_ASSIGN_OR_RETURN(long l, ParseInt(local->first, local->second));
    if (l < 0) return InvalidArgument(local->first + "='" + local->second + "' must be >= 0");
    ctx.local_rank = static_cast<int>(l);
  }
  if (!ctx.distributed()) {
    ctx.source = rank ? ctx.source : "single";
    if (auto addr = env("MASTER_ADDR"); addr && !addr->empty()) ctx.master_addr = *addr;
    return ctx;
  }
  auto addr = env("MASTER_ADDR");
  if (!addr || addr->empty()) {
    return InvalidArgument("MASTER_ADDR is not set (needed when world size is " +
                           std::to_string(ctx.world_size) + ")");
  }
  ctx.master_addr = *addr;
  auto port = env("MASTER_PORT");
  if (!port) {
    return InvalidArgument("MASTER_PORT is not set (needed when world size is " +
                           std::to_string(ctx.world_size) + ")");
  }
  RLZ_ASSIGN_OR_RETURN(long p, ParseInt("MASTER_PORT", *port));
  if (p < 1 || p > 65535) return InvalidArgument("MASTER_PORT='" + *port + "' is outside 1..65535");
  ctx.master_port = static_cast<int>(p);
  return ctx;
}

StatusOr<DistributedContext> ParseDistributedContext(
    const std::map<std::string, std::string>& env) {
  return ParseDistributedContext([&env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

StatusOr<DistributedContext> DistributedContextFromEnvironment() {
  return ParseDistributedContext([](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  });
}

}  // namespace rlzero
