// learner/lr_schedule.cc: warm-up then constant / cosine (see header).
#include "learner/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace rlzero {

Status ValidateLrSchedule(const LrScheduleOptions& o) {
  if (!(o.lr >= 0.0)) return InvalidArgument("optim.lr: must be >= 0");
  if (o.warmup_steps < 0) return InvalidArgument("optim.warmup_steps: must be >= 0");
  if (o.kind != "constant" && o.kind != "cosine") {
    return InvalidArgument("optim.schedule: '" + o.kind + "' is not constant or cosine");
  }
  if (o.kind == "cosine" && o.total_steps <= o.warmup_steps) {
    return InvalidArgument("optim.total_steps: cosine needs total_steps > warmup_steps");
  }
  if (o.min_lr_ratio < 0.0 || o.min_lr_ratio > 1.0) {
    return InvalidArgument("optim.min_lr_ratio: must be in [0, 1]");
  }
  return Status::Ok();
}

double LearningRateAt(const LrScheduleOptions& o, int64_t step) {
  if (step < o.warmup_steps) {
    return o.lr * static_cast<double>(step + 1) / static_cast<double>(o.warmup_steps);
  }
  if (o.kind != "cosine") return o.lr;
  const double span = static_cast<double>(o.total_steps - o.warmup_steps);
  const double progress = std::clamp(static_cast<double>(step - o.warmup_steps) / span, 0.0, 1.0);
  const double min_lr = o.lr * o.min_lr_ratio;
  return min_lr + (o.lr - min_lr) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace rlzero
