// learner/trainer/train_job.h: `rlzero train` behind its flags: reads the
// config sections, builds the parts (policy and reference from model.path,
// tokenizer, prompts from data.train_file, the sampler, the scorer, the run
// dir's metrics sink and rollout store), then runs or resumes the Trainer.
//
// Config sections (unknown keys are errors naming the key):
//   model:   path (HF dir), dtype (float32), device (cpu)
//   data:    train_file (JSONL), template (data/ built-in name or text with
//            {field} placeholders; default r1_zero), id_key, shuffle
//   rollout: sampler (engine | naive), max_batch, cuda_graphs (auto | on |
//            off: rollout/static_decoder.h), and the sampling fields of
//            rollout/sampling_params.h (temperature, top_p, top_k, min_p,
//            max_new_tokens, stop); its n and seed are set by the trainer
//            (trainer.group_size, trainer.seed) and ignored
//   rewards: the reward components (rewards/reward_function.h)
//   eval:    file (JSONL), max_prompts, template: greedy pass@1 before and
//            after training -> RUN_DIR/summary.json {steps, accuracy_before,
//            accuracy_after, wall_seconds, run_dir} and RUN_DIR/report.html
//   trainer / grpo / optim: trainer.h, learner_config.h
//   metrics: listen (optional "PORT" | "HOST:PORT"): serve Prometheus /metrics
//            over HTTP for the run (telemetry/metrics_http_server.h; no auth)
//   distributed: backend (auto | gloo | nccl), timeout_ms (rendezvous and
//            every collective; ranks other than 0 wait in a collective while
//            rank 0 samples and evaluates, so it bounds a whole step)
// Data parallel: launched as N ranks (RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT
// or Slurm's variables, learner/distributed/distributed_context.h), every
// rank loads the model, takes rank 0's weights, and trains its shard of each
// batch; rank 0 alone samples, scores, evaluates and writes the run dir
// (metrics, rollouts, checkpoints, summary, report). Every rank is given the
// same --run-dir (a shared filesystem across machines, for --resume).
// `sampler: naive` is the full-recompute reference sampler (tests, debugging).
// Thread safety: runs on the calling thread; installs SIGINT/SIGTERM handlers
// that request a checkpoint-and-exit.
#pragma once

#include <cstdint>
#include <string>

#include "base/config.h"
#include "base/status.h"
#include "learner/distributed/data_parallel_group.h"
#include "learner/learner_config.h"
#include "learner/trainer/trainer.h"
#include "rewards/reward_function.h"
#include "rollout/sampling_params.h"
#include "rpc/channel.h"
#include "rpc/server_runner.h"

namespace rlzero {

struct TrainJobFlags {
  std::string run_dir;
  int64_t max_steps = -1;  // -1: from the config
  bool resume = false;
  // > 0: sample on this many `rlzero rollout-worker` processes on loopback
  // (gRPC, bearer token made per run in RUN_DIR/auth_token), supervised and
  // restarted if they die; 0: the engine in-process.
  int rollout_workers = 0;
  // `rlzero learner`: serve LearnerService with `server` (listen address,
  // auth token file, TLS) and sample on rollout workers started elsewhere
  // (`rlzero rollout-worker --learner ADDR`); training starts once
  // min_workers joined, or fails after wait_workers_ms.
  bool listen_for_workers = false;
  rpc::ServerOptions server;
  rpc::ClientOptions client;  // dialling the workers (TLS roots, client cert)
  int min_workers = 1;
  int64_t wait_workers_ms = 600'000;
};

struct TrainJobConfig {
  std::string model_path;
  std::string dtype = "float32";
  std::string device = "cpu";
  std::string train_file;
  std::string prompt_template = "r1_zero";
  std::string id_key = "id";
  bool shuffle = true;
  // Held-out evaluation (greedy pass@1) before training and at the end; the
  // numbers go to RUN_DIR/summary.json. Empty file: no evaluation.
  std::string eval_file;
  int64_t eval_max_prompts = 0;  // 0 = all
  std::string eval_template;     // empty: data.template
  std::string sampler = "engine";
  int64_t max_batch = 64;
  std::string cuda_graphs = "auto";
  SamplingParams sampling;
  rewards::RewardsConfig rewards;
  TrainerConfig trainer;
  GrpoConfig grpo;
  OptimConfig optim;
  DataParallelOptions distributed{"auto", 1'800'000, false};
  // Section "weight_sync" (remote rollout workers only): transport stream |
  // collective, backend auto | gloo | nccl (auto: nccl when model.device is
  // CUDA), timeout_ms per push.
  std::string weight_transport = "stream";
  std::string weight_backend = "auto";
  int64_t weight_timeout_ms = 600'000;
  MoeBalanceConfig moe;        // section "moe"; MoE policies only
  std::string metrics_listen;  // section "metrics", key "listen"; empty: no /metrics

  // Reads every section; the caller then calls config.Finish() (unknown keys)
  // and saves config.Resolved().
  static StatusOr<TrainJobConfig> FromConfig(ConfigReader& config);
};

// Returns the process exit code on success (0, or 128 + signal when a signal
// stopped the run after saving), or a Status error.
StatusOr<int> RunTrainJob(const TrainJobConfig& config, const TrainJobFlags& flags);

}  // namespace rlzero
