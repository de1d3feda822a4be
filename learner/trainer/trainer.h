// learner/trainer/trainer.h: the in-process GRPO training loop: prompts ->
// rollouts -> rewards -> advantages -> reference log-probs -> update ->
// publish, one named stage per function, with metrics, rollout store,
// checkpoints and exact resume.
//
// The cut: learner/ (rlzero_learner) holds the algorithm and never sees
// rollout/; this folder (rlzero_trainer) wires parts together through the
// interfaces of trainer_parts.h, and is the only learner code that may link
// the rollout engine (through an adapter).
//
// One step:
//   CollectGroups   repeat {Sample, Score} until prompts_per_step groups are
//                   kept (dynamic sampling drops groups whose rewards are all
//                   equal; at most max_draws rounds, then trains on what it has)
//   Advantages      per group (learner/advantage_estimator.h)
//   Reference       ref log-probs if beta > 0, then the learner's old log-probs
//   Update          Learner::Update
//   Publish         new weights to the rollout source, metrics line, rollout
//                   store rows, periodic checkpoint
// Determinism: sampling seeds are a function of (seed, step, draw), prompts of
// the data position, so a resumed run replays exactly what an uninterrupted
// one would do (bitwise on CPU).
// Async mode (max_staleness = k > 0, rank 0): a GroupProducer thread samples
// and scores batches of prompts_per_step groups up to k batches ahead while
// this thread trains (group_producer.h); batch i uses the seed of (step i,
// draw 0). CollectGroups then takes batches from it, drops (and counts, as
// groups_dropped_stale) groups sampled more than k versions before the
// current weights, and takes further batches until prompts_per_step groups are
// kept, so no step trains on staleness > k. The behaviour log-probs recorded
// by the sampler (older weights) are corrected by the objective's truncated
// importance weight against the learner's recomputed pi_old
// (grpo_objective.h). The checkpointed data position is that of the last
// batch consumed, so a resume regenerates the batches that were in flight.
// The rollout source must allow Generate and PublishWeights on two threads
// (trainer_parts.h). max_staleness 0 is the sync loop, unchanged.
// Metrics (RUN_DIR/metrics.jsonl through the MetricsSink; names are a
// contract): see docs/learner.md.
// Data parallel (TrainerDeps::group with world size > 1; docs/distributed.md):
// rank 0 is the controller: it alone draws prompts, samples, scores,
// computes advantages, publishes weights, writes metrics, rollouts and
// checkpoints. Each step it broadcasts the global batch of TrainSamples
// (train_sample_codec.h) and every rank trains on its shard through the
// Learner built with the same group. Every rank learns the outcome of rank
// 0's work (RunOnRankZero), so an error there stops all ranks; a stop request
// on any rank stops all of them at the same step. Ranks other than 0 need no
// prompts, rollouts, scorer, metrics or store (null is fine).
// Thread safety: Run() on one thread; `stop_requested` may be set from a
// signal handler (checked between steps; a checkpoint is saved, then Run returns).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"
#include "inspect/metrics_sink.h"
#include "inspect/rollout_writer.h"
#include "learner/checkpoint.h"
#include "learner/distributed/data_parallel_group.h"
#include "learner/learner.h"
#include "learner/trainer/group_producer.h"
#include "learner/trainer/scored_group.h"
#include "learner/trainer/trainer_parts.h"

namespace rlzero {

struct TrainerConfig {
  int64_t max_steps = 100;
  int prompts_per_step = 4;  // groups trained on per step
  int group_size = 8;        // G completions per prompt
  bool dynamic_sampling = false;
  int max_draws = 4;       // sampling rounds per step with dynamic sampling
  int64_t save_every = 0;  // steps between checkpoints; 0 = only at the end / on stop
  int keep_last = 2;       // checkpoints kept
  uint64_t seed = 0;
  // 0: sync (step t trains only on rollouts of weights t); k > 0: async,
  // generation runs up to k steps ahead and trains on staleness <= k.
  int max_staleness = 0;
  std::string run_id;  // stored with rollouts; default: the run dir's name

  static StatusOr<TrainerConfig> FromConfig(ConfigReader& r);
};

struct TrainerDeps {
  std::shared_ptr<CausalLM> policy;
  std::unique_ptr<Learner> learner;
  PromptSource* prompts = nullptr;
  RolloutSource* rollouts = nullptr;
  CompletionScorer* scorer = nullptr;
  // Writes the policy in the HF layout into a (new, existing) dir.
  std::function<Status(const std::string& dir)> save_model;
  // Loads a checkpoint's weights into the policy in place.
  std::function<Status(const std::string& dir)> load_model;
  inspect::MetricsSink* metrics = nullptr;            // optional
  inspect::RolloutWriter* rollout_store = nullptr;    // optional
  const std::atomic<bool>* stop_requested = nullptr;  // optional
  // Called after each step with its metrics (progress display; rank 0 only).
  std::function<void(int64_t step, const std::map<std::string, double>&)> on_step;
  // Optional data-parallel group (not owned; the learner must use the same
  // one). Null: a single process.
  DataParallelGroup* group = nullptr;
};

struct RunOutcome {
  int64_t steps_done = 0;  // total steps of the run (including resumed ones)
  bool interrupted = false;
  std::map<std::string, double> last_metrics;
};

class Trainer {
 public:
  Trainer(TrainerConfig config, TrainerDeps deps, std::string run_dir);

  // Restores the newest checkpoint of the run dir (weights, optimiser, step,
  // data position, RNG). NOT_FOUND if there is none. Data parallel: every
  // rank calls it and reads the same run dir (a shared filesystem).
  Status Resume();
  // Trains until config.max_steps steps are done or a stop is requested;
  // saves a checkpoint at the end (and every save_every steps).
  StatusOr<RunOutcome> Run();
  // Writes a checkpoint of the current step (the caller decides which rank).
  Status SaveCheckpoint();

  ~Trainer();

  int64_t step() const { return state_.step; }

 private:
  using Group = ScoredGroup;
  struct StepData {
    std::vector<Group> all_scored;  // every scored group (reward metrics, rollout store)
    std::vector<size_t> kept;       // indices into all_scored of the groups trained on
    std::vector<TrainSample> samples;
    std::map<std::string, double> times;  // stage -> seconds
    double mismatch_kl = 0.0;
    UpdateMetrics update;
    std::vector<int64_t> staleness;  // per kept group: current version - sampled version
    int64_t dropped_stale = 0;       // groups too stale to train on (async)
    int64_t data_position = -1;      // async: prompts position after the last batch taken
  };

  // Rank 0 collects and scores the batch; every rank ends up with d->samples.
  Status BuildBatch(StepData* d);
  // True on every rank if a stop was requested on any rank.
  StatusOr<bool> StopAgreed();
  bool is_rank_zero() const { return group_->is_rank_zero(); }
  Status CollectGroups(StepData* d);
  Status CollectGroupsAsync(StepData* d);
  // Keeps g for training if there is room and (with dynamic sampling) its
  // rewards differ; always records it in d->all_scored.
  void Admit(Group&& g, StepData* d);
  void StartProducer();
  void Advantages(StepData* d);
  Status Reference(StepData* d);
  Status Update(StepData* d);
  Status Publish(StepData* d);
  std::map<std::string, double> StepMetrics(const StepData& d, double step_seconds) const;
  void ExportStepMetrics(const std::map<std::string, double>& metrics) const;
  uint64_t SampleSeed(int draw) const { return SampleSeedAt(state_.step, draw); }
  uint64_t SampleSeedAt(int64_t step, int draw) const;

  TrainerConfig config_;
  TrainerDeps deps_;
  std::unique_ptr<DataParallelGroup> single_process_;  // when deps_.group is null
  DataParallelGroup* group_ = nullptr;                 // never null
  std::string run_dir_;
  TrainerState state_;
  std::unique_ptr<GroupProducer> producer_;  // async mode, during Run()
};

}  // namespace rlzero
