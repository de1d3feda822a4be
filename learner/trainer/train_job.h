// learner/trainer/train_job.h: `rlzero train` behind its flags: reads the
// config sections, builds the parts (policy and reference from model.path,
// tokenizer, prompts from data.train_file, the sampler, the scorer, the run
// dir's metrics sink and rollout store), then runs or resumes the Trainer.
//
// Config sections (unknown keys are errors naming the key):
//   model:   path (HF dir), dtype (float32), device (cpu)
//   data:    train_file (JSONL), prompt_key, answer_key, id_key, template
//            ("{prompt}" is replaced), shuffle
//   rollout: temperature, max_new_tokens
//   scorer:  verifier ("math"), fallback_last_number
//   trainer / grpo / optim: trainer.h, learner_config.h
// Interim parts, to be replaced as the other libraries land: the sampler is
// NaiveRolloutSource (not the rollout engine), the scorer MathScorer (not the
// reward composition), the template a plain substitution (not data/).
// Thread safety: runs on the calling thread; installs SIGINT/SIGTERM handlers
// that request a checkpoint-and-exit.
#pragma once

#include <cstdint>
#include <string>

#include "base/config.h"
#include "base/status.h"
#include "learner/learner_config.h"
#include "learner/trainer/trainer.h"

namespace rlzero {

struct TrainJobFlags {
  std::string run_dir;
  int64_t max_steps = -1;  // -1: from the config
  bool resume = false;
};

struct TrainJobConfig {
  std::string model_path;
  std::string dtype = "float32";
  std::string device = "cpu";
  std::string train_file;
  std::string prompt_key = "prompt";
  std::string answer_key = "answer";
  std::string id_key = "id";
  std::string prompt_template = "{prompt}";
  bool shuffle = true;
  double temperature = 1.0;
  int max_new_tokens = 256;
  std::string verifier = "math";
  bool fallback_last_number = false;
  TrainerConfig trainer;
  GrpoConfig grpo;
  OptimConfig optim;

  // Reads every section; the caller then calls config.Finish() (unknown keys)
  // and saves config.Resolved().
  static StatusOr<TrainJobConfig> FromConfig(ConfigReader& config);
};

// Returns the process exit code on success (0, or 128 + signal when a signal
// stopped the run after saving), or a Status error.
StatusOr<int> RunTrainJob(const TrainJobConfig& config, const TrainJobFlags& flags);

}  // namespace rlzero
