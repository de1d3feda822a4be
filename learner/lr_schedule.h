// learner/lr_schedule.h: learning-rate schedule, linear warm-up then constant
// or cosine decay. A pure function of the trainer step, so resuming needs no
// scheduler state beyond the step itself (saved in the checkpoint).
//
// Contract: step counts from 0. During warm-up (step < warmup_steps) the rate
// is lr * (step + 1) / warmup_steps. After it, "constant" keeps lr; "cosine"
// decays from lr to lr * min_lr_ratio at total_steps following
// min + (lr - min) * 0.5 * (1 + cos(pi * progress)), progress clamped to [0, 1].
// Torch-free. Thread safety: immutable value.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace rlzero {

struct LrScheduleOptions {
  double lr = 1e-6;
  int64_t warmup_steps = 0;
  std::string kind = "constant";  // "constant" | "cosine"
  int64_t total_steps = 0;        // cosine horizon; required > warmup_steps for cosine
  double min_lr_ratio = 0.0;
};

Status ValidateLrSchedule(const LrScheduleOptions& options);
double LearningRateAt(const LrScheduleOptions& options, int64_t step);

}  // namespace rlzero
