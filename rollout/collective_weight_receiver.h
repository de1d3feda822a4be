// rollout/collective_weight_receiver.h: the rollout worker's side of
// collective weight sync (RolloutService.JoinWeightGroup and
// LoadWeightsCollective; protocol in rlzero/v1/rollout.proto and
// rollout/collective_weight_sender.h).
//
// Contract:
//   - Join(group_id, backend, timeout_ms, peer_host) checks its arguments,
//     serves a c10d store on an ephemeral port, returns that port at once and
//     joins the two-member group as rank 1 in the background (the learner
//     joins as rank 0 once it has the port). A new Join replaces the old
//     group; a join still waiting for its learner is abandoned, never waited
//     for (it gives up at its own timeout). backend "nccl" needs the worker's model on a CUDA
//     device (FAILED_PRECONDITION otherwise); "gloo" receives into CPU tensors.
//   - Load(request) waits (up to the group's timeout) for that join, checks
//     the request (group id, dtype names, shapes, total bytes <= max_bytes,
//     all before allocating anything), receives every tensor by broadcast
//     from rank 0 into staging tensors (reused across versions where name,
//     dtype, shape and device match), checks the WeightFingerprint (DATA_LOSS
//     on mismatch) and hands the whole version to RolloutWorker::LoadWeights,
//     which swaps it in under the generation lock: no sample ever comes from
//     a partial version.
//   - Any Load failure drops the group, so the learner's broadcasts fail at
//     once instead of waiting out the timeout; the learner then joins afresh.
// Thread safety: any thread; Join and Load are serialised.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "learner/distributed/data_parallel_group.h"
#include "rlzero/v1/rollout.pb.h"
#include "rollout/rollout_worker.h"

namespace rlzero {

class CollectiveWeightReceiver {
 public:
  CollectiveWeightReceiver(RolloutWorker* worker, uint64_t max_bytes);
  ~CollectiveWeightReceiver();

  // peer_host: the learner's address as the RPC saw it (a loopback peer makes
  // Gloo bind 127.0.0.1).
  StatusOr<int> Join(const std::string& group_id, const std::string& backend, int64_t timeout_ms,
                     const std::string& peer_host);
  StatusOr<v1::LoadWeightsResponse> Load(const v1::CollectiveWeightsRequest& request);

 private:
  using GroupResult = StatusOr<std::unique_ptr<DataParallelGroup>>;
  Status AwaitGroup();     // moves a finished join into group_
  void DropGroupLocked();  // forgets the group, its store and any pending join
  Status Receive(const v1::CollectiveWeightsRequest& request, std::vector<NamedTensor>* out);

  RolloutWorker* worker_;
  uint64_t max_bytes_;
  std::mutex mu_;
  std::string group_id_;                      // guarded by mu_
  std::string backend_;                       // guarded by mu_
  std::shared_ptr<StoreServer> store_;        // guarded by mu_
  std::future<GroupResult> joining_;          // guarded by mu_
  std::unique_ptr<DataParallelGroup> group_;  // guarded by mu_
  std::vector<NamedTensor> staging_;          // guarded by mu_
};

// "ipv4:127.0.0.1:5", "ipv6:[::1]:5", "unix:/x" (gRPC's peer strings) or
// "host:port" / "unix:/x" (dial addresses) -> the host ("127.0.0.1" for unix
// sockets and loopback names).
std::string HostOfAddress(const std::string& address);

}  // namespace rlzero
