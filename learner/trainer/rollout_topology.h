// learner/trainer/rollout_topology.h: where a training job's rollouts come
// from, chosen once at start-up, and everything that must live as long as the
// trainer for it (the worker pool, the LearnerService server, child worker
// processes):
//   in-process   the rollout engine (or the naive sampler) on the very module
//                being trained (`rlzero train`)
//   spawned      N `rlzero rollout-worker` children on loopback, supervised
//                and restarted (`rlzero train --rollout-workers N`)
//   listening    a LearnerService on a given address that rollout workers
//                started elsewhere join (`rlzero learner --listen ADDR`); the
//                job starts once min_workers have registered
// Remote workers receive the policy's weights before the first generation and
// after every update (RemoteRolloutSource).
// Errors: a topology that cannot start (bad address, token, no workers within
// the wait) is a Status naming what and where; nothing is left running.
// Thread safety: the trainer's one thread; workers may register at any time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "learner/trainer/trainer_parts.h"
#include "policy/causal_lm.h"
#include "rollout/rollout_engine.h"
#include "rollout/sampling_params.h"
#include "rpc/channel.h"
#include "rpc/server_runner.h"

namespace rlzero {

struct RolloutTopologyOptions {
  // In-process: "engine" | "naive".
  std::string sampler = "engine";
  int64_t max_batch = 64;
  std::string cuda_graphs = "auto";  // RolloutEngineOptions::cuda_graphs, here and spawned
  SamplingParams sampling;
  std::vector<int32_t> eos_token_ids;
  DecodeFn decode;
  std::shared_ptr<CausalLM> policy;  // trained in place; remote workers get its weights
  std::string model_type;            // checked against the workers' models
  // Async training (trainer.max_staleness > 0): remote requests accept this
  // staleness; in-process sampling runs on `sampling_copy` (same
  // architecture as `policy`, required then) behind a SnapshotRolloutSource,
  // never on the module being trained.
  int64_t max_staleness = 0;
  std::shared_ptr<CausalLM> sampling_copy;
  // Spawned workers (> 0): how they start.
  int spawn_workers = 0;
  std::string model_path;
  std::string device = "cpu";
  std::string dtype = "float32";
  std::string run_dir;  // spawned: auth_token and rollout-worker-*.log go here
  // Listening learner: serve LearnerService with these options (listen
  // address, token file or allow_no_auth, TLS) and wait for min_workers.
  bool listen = false;
  rpc::ServerOptions server;
  rpc::ClientOptions client;  // how the pool dials its workers (TLS)
  int min_workers = 1;
  int64_t wait_workers_ms = 600'000;
  // Weight sync to remote workers (RemoteRolloutPoolOptions): "stream" |
  // "collective"; backend "gloo" | "nccl".
  std::string weight_transport = "stream";
  std::string weight_backend = "gloo";
  int64_t weight_timeout_ms = 600'000;
};

class RemoteRolloutPool;
class LearnerServiceImpl;
class RolloutWorkerProcesses;

class RolloutTopology {
 public:
  static StatusOr<std::unique_ptr<RolloutTopology>> Start(const RolloutTopologyOptions& options);
  ~RolloutTopology();
  RolloutTopology(const RolloutTopology&) = delete;
  RolloutTopology& operator=(const RolloutTopology&) = delete;

  RolloutSource* source() const { return source_.get(); }
  // The LearnerService address ("" in-process).
  const std::string& address() const { return address_; }
  // Spawned: reaps exited workers and starts replacements; returns how many.
  int RestartDeadWorkers();
  // Tells LearnerService.GetStatus callers where training is.
  void SetProgress(int64_t step, int64_t weights_version);

 private:
  RolloutTopology();  // defined where the members are complete types
  Status StartRemote(const RolloutTopologyOptions& options);

  // Destroyed in reverse order: the source, then the workers (stopped), the
  // server, the service, the pool.
  std::unique_ptr<RemoteRolloutPool> pool_;
  std::unique_ptr<LearnerServiceImpl> service_;
  std::unique_ptr<rpc::ServerRunner> server_;
  std::unique_ptr<RolloutWorkerProcesses> workers_;
  std::unique_ptr<RolloutSource> source_;
  std::string address_;
};

}  // namespace rlzero
