// learner/distributed/distributed_context.h: who this learner process is in a
// data-parallel job, read from the launcher's environment.
//
// Conventions (first match wins per field):
//   rank:        RANK (torchrun, Kubernetes PyTorchJob), else SLURM_PROCID
//   world size:  WORLD_SIZE, else SLURM_NTASKS
//   local rank:  LOCAL_RANK, else SLURM_LOCALID, else 0
//   rendezvous:  MASTER_ADDR (default 127.0.0.1 when world size is 1 only),
//                MASTER_PORT (1..65535)
// World size absent or 1 means a single process: no process group is created
// and every collective in this folder is a no-op.
//
// Contract: parsing never throws; a missing or malformed variable gives an
// INVALID_ARGUMENT Status whose message names the variable and its value
// (e.g. "RANK='abc' is not an integer"). rank must be in [0, world_size).
// Non-goals: launching processes (torchrun/srun/Kubernetes do that), elastic
// membership changes.
// Thread safety: plain value type; FromEnvironment reads getenv and is safe
// as long as nobody calls setenv concurrently.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "base/status.h"

namespace rlzero {

struct DistributedContext {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;  // 0 only when world_size == 1
  // Which convention supplied rank/world size: "single" | "torchrun" | "slurm".
  std::string source = "single";

  bool distributed() const { return world_size > 1; }
  bool is_rank_zero() const { return rank == 0; }
  std::string ToString() const;  // "rank 1/2 (local 1) via torchrun at 127.0.0.1:29500"
};

// Looks up one variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Parses the context from `env` (tests pass a map; production FromEnvironment).
StatusOr<DistributedContext> ParseDistributedContext(const EnvLookup& env);
StatusOr<DistributedContext> ParseDistributedContext(const std::map<std::string, std::string>& env);
StatusOr<DistributedContext> DistributedContextFromEnvironment();

}  // namespace rlzero
