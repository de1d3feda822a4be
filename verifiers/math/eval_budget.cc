// verifiers/math/eval_budget.cc: see eval_budget.h.
#include "verifiers/math/eval_budget.h"

namespace rlzero::verifiers::math {

EvalBudget::EvalBudget(int64_t timeout_ms)
    : deadline_(std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms)) {
  if (timeout_ms <= 0) exhausted_ = true;
}

bool EvalBudget::CheckClock() {
  next_clock_check_ = steps_ + kClockEvery;
  if (std::chrono::steady_clock::now() >= deadline_) exhausted_ = true;
  return !exhausted_;
}

}  // namespace rlzero::verifiers::math
