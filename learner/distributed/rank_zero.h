// learner/distributed/rank_zero.h: "rank 0 only" work (checkpoints, metrics
// files, rollout store writes) with an outcome every rank agrees on.
//
// Contract: RunOnRankZero runs `fn` on rank 0 only; then rank 0's status code
// is broadcast to all ranks (one small collective), so when rank 0 fails to
// write a checkpoint every rank returns an error instead of training on
// (the non-zero ranks get the code with the message "rank 0 failed: <code>";
// rank 0 returns its own full Status). Every rank must call it at the same
// point. World size 1: just runs fn.
// BroadcastBytes: rank 0's `bytes` replace every other rank's (two
// broadcasts: the length, then the payload as a uint8 tensor). Use it to hand
// every rank the same serialized batch (e.g. the scored groups the controller
// on rank 0 collected) before each rank takes its shard.
// Thread safety: as DataParallelGroup.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"
#include "learner/distributed/data_parallel_group.h"

namespace rlzero {

Status RunOnRankZero(DataParallelGroup& group, const std::function<Status()>& fn);

Status BroadcastBytes(DataParallelGroup& group, std::string& bytes);

}  // namespace rlzero
