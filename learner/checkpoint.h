// learner/checkpoint.h: the run dir's checkpoint layout and the trainer state
// that goes beside the model.
//
//   RUN_DIR/checkpoints/step-N/
//     config.json, model.safetensors, tokenizer files   (policy SaveModel: HF layout)
//     optimizer.pt        AdamW moments and step counts (Learner::SaveState)
//     rng.pt              LibTorch's default CPU generator state
//     trainer_state.json  {"step", "data_position", "weights_version", ...}
//
// Contract: a checkpoint is written into checkpoints/.step-N.tmp and renamed
// to step-N once complete (trainer_state.json last), so a crash mid-save never
// leaves a step-N that looks valid; LatestCheckpoint only returns dirs that
// hold trainer_state.json. PruneCheckpoints keeps the newest `keep_last`.
// Non-goals: remote storage, async saving. Thread safety: none (one trainer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero {

struct TrainerState {
  int64_t step = 0;             // steps completed
  int64_t data_position = 0;    // prompts drawn from the PromptSource
  int64_t weights_version = 0;  // policy updates published
  Json extra = Json::object();  // free-form (e.g. the run seed), written back as is
};

std::string CheckpointsRoot(const std::string& run_dir);
std::string CheckpointDir(const std::string& run_dir, int64_t step);

// Steps of complete checkpoints under run_dir, ascending.
std::vector<int64_t> ListCheckpoints(const std::string& run_dir);
std::optional<int64_t> LatestCheckpoint(const std::string& run_dir);
// Deletes all but the newest keep_last (>= 1) complete checkpoints and any
// leftover .tmp dirs.
Status PruneCheckpoints(const std::string& run_dir, int keep_last);

Status WriteTrainerState(const std::string& dir, const TrainerState& state);
StatusOr<TrainerState> ReadTrainerState(const std::string& dir);

// LibTorch's default CPU generator state <-> DIR/rng.pt.
Status SaveRngState(const std::string& dir);
Status LoadRngState(const std::string& dir);

}  // namespace rlzero
