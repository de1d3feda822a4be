// rollout/collective_weight_sender.h: the learner's side of collective weight
// sync with one rollout worker: a two-member c10d process group (learner rank
// 0, worker rank 1) through which each version's tensors are broadcast, as
// the alternative to the gRPC chunk stream (rollout/weight_push.h). Over
// NCCL the bytes go GPU to GPU without touching either host; over Gloo (CPU,
// and CI's test of the same code) they go over TCP.
//
// Protocol, with the worker's side in rollout/collective_weight_receiver.h:
//   1. Join: RolloutService.JoinWeightGroup{random 128-bit group id, backend,
//      timeout} over the authenticated channel; the worker answers the port
//      of a c10d store it serves; both sides create the group on it under
//      the group id as key prefix.
//   2. Send: LoadWeightsCollective{version, group id, tensor names, dtypes and
//      shapes, WeightFingerprint} goes out, and the snapshot's tensors are
//      broadcast from rank 0 in that order while the call is in flight; the
//      worker answers once the whole version passed its fingerprint check
//      and was swapped in.
// One group per worker, so a worker that dies breaks only its own group:
// Send then fails (the broadcast errors or times out after `timeout`), the
// pool marks that worker dead, and a restarted worker joins afresh. Backends:
// "gloo" sends CPU snapshot tensors, "nccl" CUDA ones (FillDeviceSnapshot).
// Thread safety: one thread at a time per sender.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "learner/distributed/data_parallel_group.h"
#include "rlzero/v1/rollout.grpc.pb.h"
#include "rollout/weight_stream.h"
#include "rpc/auth.h"

namespace rlzero {

class CollectiveWeightSender {
 public:
  // worker_address: how the learner dials the worker (its host is where the
  // worker's store is reached). backend: "gloo" | "nccl".
  static StatusOr<std::unique_ptr<CollectiveWeightSender>> Join(v1::RolloutService::Stub& stub,
                                                                const rpc::TokenAuth& auth,
                                                                const std::string& worker_address,
                                                                const std::string& backend,
                                                                std::chrono::milliseconds timeout);

  // Sends the snapshot (tensors on the CPU for gloo, on CUDA for nccl) and
  // returns the worker's answer. After an error the group is unusable: drop
  // this sender and Join again.
  StatusOr<v1::LoadWeightsResponse> Send(v1::RolloutService::Stub& stub, const rpc::TokenAuth& auth,
                                         const WeightSnapshot& snapshot, uint64_t fingerprint,
                                         std::chrono::milliseconds timeout);

  const std::string& backend() const { return backend_; }

 private:
  CollectiveWeightSender() = default;
  std::string group_id_;
  std::string backend_;
  std::unique_ptr<DataParallelGroup> group_;
};

}  // namespace rlzero
