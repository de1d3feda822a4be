// verifiers/math/eval_budget.h: the time budget of one math verification.
//
// Every loop of the math verifier that depends on its input (parsing,
// evaluation, matching of sets) charges steps here; the clock is read every
// kClockEvery steps so a check costs a counter increment. Once the deadline has
// passed, Charge() keeps returning false and callers unwind with an error.
// Non-goals: wall-clock accuracy better than ~kClockEvery cheap steps; threads
// (one budget belongs to one call). Thread safety: none; use one per call.
#pragma once

#include <chrono>
#include <cstdint>

namespace rlzero::verifiers::math {

class EvalBudget {
 public:
  // timeout_ms <= 0 means "already expired" (every Charge fails).
  explicit EvalBudget(int64_t timeout_ms);

  // Charges `steps` units of work; false once the deadline has passed.
  bool Charge(int64_t steps = 1) {
    if (exhausted_) return false;
    steps_ += steps;
    if (steps_ >= next_clock_check_) return CheckClock();
    return true;
  }
  bool exhausted() const { return exhausted_; }
  int64_t steps() const { return steps_; }

 private:
  static constexpr int64_t kClockEvery = 512;
  bool CheckClock();

  std::chrono::steady_clock::time_point deadline_;
  int64_t steps_ = 0;
  int64_t next_clock_check_ = kClockEvery;
  bool exhausted_ = false;
};

}  // namespace rlzero::verifiers::math
