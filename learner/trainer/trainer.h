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
// Metrics (RUN_DIR/metrics.jsonl through the MetricsSink; names are a
// contract): see docs/learner.md.
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
#include "learner/learner.h"
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
  // Called after each step with its metrics (progress display).
  std::function<void(int64_t step, const std::map<std::string, double>&)> on_step;
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
  // data position, RNG). NOT_FOUND if there is none.
  Status Resume();
  // Trains until config.max_steps steps are done or a stop is requested;
  // saves a checkpoint at the end (and every save_every steps).
  StatusOr<RunOutcome> Run();
  Status SaveCheckpoint();

  int64_t step() const { return state_.step; }

 private:
  struct Group {
    TaskPrompt prompt;
    std::vector<SampledCompletion> completions;
    std::vector<CompletionScore> scores;
    std::vector<double> advantages;
  };
  struct StepData {
    std::vector<Group> all_scored;  // every scored group (reward metrics, rollout store)
    std::vector<size_t> kept;       // indices into all_scored of the groups trained on
    std::vector<TrainSample> samples;
    std::map<std::string, double> times;  // stage -> seconds
    double mismatch_kl = 0.0;
    UpdateMetrics update;
  };

  Status CollectGroups(StepData* d);
  StatusOr<std::vector<Group>> Sample(int draw, StepData* d);
  Status Score(std::vector<Group>* groups, StepData* d);
  void Advantages(StepData* d);
  Status Reference(StepData* d);
  Status Update(StepData* d);
  Status Publish(StepData* d);
  std::map<std::string, double> StepMetrics(const StepData& d, double step_seconds) const;
  uint64_t SampleSeed(int draw) const;

  TrainerConfig config_;
  TrainerDeps deps_;
  std::string run_dir_;
  TrainerState state_;
};

}  // namespace rlzero
