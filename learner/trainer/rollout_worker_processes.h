// learner/trainer/rollout_worker_processes.h: the local topology of `rlzero
// train --rollout-workers N`: N `rlzero rollout-worker` child processes on
// loopback that register with this learner's LearnerService, supervised.
//
// Contract: Start spawns the workers (each: --model DIR --learner ADDR
// --listen 127.0.0.1:0 --auth-token-file FILE) with PR_SET_PDEATHSIG so they
// die with the learner even if it is killed; Restart(dead ones) brings back a
// worker that exited (it re-registers and rejoins); the destructor stops them
// all (SIGTERM, then SIGKILL after a grace period) and reaps them: nothing
// survives the learner, on success, on error and on Ctrl-C.
// Thread safety: the learner's one thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero {

struct RolloutWorkerLaunch {
  std::string rlzero_binary;  // path to `rlzero` (or rlzero-torch)
  std::string model_dir;
  std::string learner_address;
  std::string auth_token_file;
  std::string device = "cpu";
  std::string dtype = "float32";
  int64_t max_batch = 64;
  std::string cuda_graphs = "auto";
  std::string log_dir;  // worker-<i>.log files; empty: inherit stderr
};

class RolloutWorkerProcesses {
 public:
  explicit RolloutWorkerProcesses(RolloutWorkerLaunch launch) : launch_(std::move(launch)) {}
  ~RolloutWorkerProcesses();
  RolloutWorkerProcesses(const RolloutWorkerProcesses&) = delete;
  RolloutWorkerProcesses& operator=(const RolloutWorkerProcesses&) = delete;

  Status Start(int count);
  // Reaps exited workers and starts replacements; returns how many restarted.
  int RestartDead();
  void StopAll();
  const std::vector<pid_t>& pids() const { return pids_; }

 private:
  StatusOr<pid_t> Spawn(int index);
  RolloutWorkerLaunch launch_;
  std::vector<pid_t> pids_;  // index = worker number; 0 = not running
};

// The `rlzero` binary beside the running executable.
std::string SiblingRlzeroBinary();

}  // namespace rlzero
