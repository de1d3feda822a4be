// rollout/remote_rollout_pool.h: the learner's client of N rollout workers
// (rlzero.v1.RolloutService) — weight sync, sharded generation, and fault
// handling.
//
// Contract:
//   - Workers join by address (AddWorker, from `rlzero train`'s topology or a
//     LearnerService.RegisterWorker call) and may rejoin after a restart.
//   - PublishWeights(model, v) serialises the weights once (kept until the
//     next version) and streams them to every live worker in parallel, with a
//     deadline; a worker that fails is marked dead. The pushes start at
//     once and send each tensor as soon as the snapshot has copied it (the
//     worker still applies only the whole, checksummed version); if the
//     snapshot fails, the pushes are cancelled, no worker is marked dead and
//     the previous version stays published. The snapshot of the
//     version before is kept as a spare and refilled in place by the next
//     publish once no push still sends it (same names and shapes: no fresh
//     allocation to page in every version); this holds up to two snapshots
//     between publishes, what a publish needed at its peak anyway.
//   - weight_transport "collective": PublishWeights takes the whole snapshot
//     first (on the model's device for the nccl backend), computes its
//     WeightFingerprint, and sends it to each live worker through a c10d
//     group of two (rollout/collective_weight_sender.h), joined at the first
//     push to that worker and after any failure. Failure handling, version
//     rules and snapshot reuse are the stream's.
//   - Generate(prompts, params, v) cuts the prompts into contiguous shards,
//     one per live worker, runs them in parallel with a per-call deadline, and
//     reassigns a shard whose worker fails or stalls to another live worker
//     (pushing weights v first if it lacks them; a push that fails because
//     the publish of v itself failed ends that shard with ABORTED and marks
//     no worker dead). Every prompt's completions
//     come back exactly once, in prompt order; completions are seeded by
//     global prompt index, so the result does not depend on the split or on
//     reassignment. It fails only when no live worker is left. A worker
//     holding a newer version than asked for serves the request (async
//     mode); *used_version gets the oldest version that actually sampled.
//   - CancelGeneration() makes a running Generate return CANCELLED soon (its
//     RPCs are cancelled; no worker is marked dead for it).
// Thread safety: AddWorker and CancelGeneration may be called concurrently
// with anything; one PublishWeights and one Generate may run at the same
// time (async mode: the trainer publishes while its producer generates).
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rlzero/v1/rollout.grpc.pb.h"
#include "rollout/rollout_engine.h"
#include "rollout/weight_frame_queue.h"
#include "rollout/weight_stream.h"
#include "rpc/auth.h"
#include "rpc/channel.h"

namespace rlzero {

struct RemoteRolloutPoolOptions {
  int64_t generate_timeout_ms = 600000;
  int64_t weights_timeout_ms = 600000;
  size_t weight_chunk_bytes = 4 << 20;
  // "stream" (gRPC chunk stream, LoadWeights) | "collective" (c10d broadcast).
  std::string weight_transport = "stream";
  // Collective only: "gloo" (CPU tensors) | "nccl" (CUDA tensors, needs a
  // CUDA LibTorch and the workers' models on GPUs).
  std::string collective_backend = "gloo";
  Status Validate() const;  // INVALID_ARGUMENT naming the bad field
  int max_attempts_per_shard = 4;
  rpc::ClientOptions client;
};

struct PoolStats {
  int64_t reassigned_shards = 0;  // shards that had to move to another worker
  int64_t dead_workers = 0;
  int64_t snapshots_reused = 0;  // publishes that refilled the spare snapshot in place
};

class RemoteRolloutPool {
 public:
  RemoteRolloutPool(rpc::TokenAuth auth, RemoteRolloutPoolOptions options);
  ~RemoteRolloutPool();

  // Adds (or re-adds, after a restart) a worker. Its weights are unknown
  // until the next push.
  Status AddWorker(const std::string& address);
  int live_workers() const;
  std::vector<std::string> live_addresses() const;

  Status PublishWeights(CausalLM& model, int64_t version);
  StatusOr<std::vector<Completion>> Generate(const std::vector<std::vector<int32_t>>& prompts,
                                             const SamplingParams& params, int64_t version,
                                             int64_t max_staleness = 0,
                                             int64_t* used_version = nullptr);
  void CancelGeneration();
  PoolStats stats() const;

 private:
  struct Worker;
  std::shared_ptr<Worker> PickWorker(size_t preferred,
                                     const std::vector<std::shared_ptr<Worker>>& avoid);
  Status PushTo(Worker& w);
  Status PushCollective(Worker& w, const WeightSnapshot& snapshot, uint64_t fingerprint);
  Status PublishCollective(CausalLM& model, int64_t version);
  // Waits for one publish's pushes (pushes[i] to workers[i]) and marks a
  // worker whose push failed dead, unless the publish itself failed (then the
  // pushes were abandoned, not the workers' fault). UNAVAILABLE naming
  // `version` when no live worker is left.
  Status FinishPushes(const std::vector<std::shared_ptr<Worker>>& workers,
                      std::vector<std::future<Status>>& pushes, int64_t version,
                      bool publish_failed);
  // The spare snapshot when nothing else refers to it any more (else null;
  // the spare is dropped either way). Caller holds mu_.
  std::shared_ptr<WeightSnapshot> TakeSpareLocked();
  void MarkDead(Worker& w);

  rpc::TokenAuth auth_;
  RemoteRolloutPoolOptions options_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Worker>> workers_;
  // The latest published weights: a snapshot, and its frames, whose data
  // alias the snapshot (so every push sends the same bytes without copies; a
  // push shares the queue, and its frames share the slices). While a publish
  // is still copying the snapshot, the queue is still being appended to.
  std::shared_ptr<const WeightFrameQueue> frames_;  // guarded by mu_
  int64_t published_version_ = -1;
  std::shared_ptr<WeightSnapshot> snapshot_;  // what frames_ alias, guarded by mu_
  // The snapshot published before snapshot_: refilled by the next publish
  // when its use_count() is 1 (no frame of it left in any push); guarded by mu_.
  std::shared_ptr<WeightSnapshot> spare_;
  uint64_t fingerprint_ = 0;  // of snapshot_ (collective transport), guarded by mu_
  PoolStats stats_;           // guarded by mu_
  std::vector<grpc::ClientContext*> in_flight_;  // Generate RPCs, guarded by mu_
  uint64_t cancel_epoch_ = 0;                    // guarded by mu_
};

}  // namespace rlzero
