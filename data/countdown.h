// data/countdown.h: a seeded generator of Countdown tasks as in TinyZero:
// 3-4 numbers (1-99) and a target reachable with + - * / using every number
// exactly once.
//
// Generation: draw the size k (uniform in [min_numbers, max_numbers]), then k
// numbers, then combine the pool at random (two random
// items, a random operator among those that keep every intermediate a
// positive integer: + and * always, a - b only if a > b, a / b only if b
// divides a) until one value remains; it becomes the target if it lies in
// [min_target, max_target], else the numbers are redrawn (same k). The expression built on
// the way is the reference solution ("(7 * (55 - 36)) / 19"-style, every
// operation parenthesized except the outermost).
// Determinism: the same config (seed included) gives the same tasks on every
// platform (std::mt19937_64 with our own range mapping; no std
// distributions, whose output is implementation-defined).
// Non-goals: guaranteeing a unique solution, difficulty control beyond sizes.
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero::data {

struct CountdownConfig {
  int64_t n = 1000;
  uint64_t seed = 0;
  int min_numbers = 3;
  int max_numbers = 4;
  int64_t min_value = 1;
  int64_t max_value = 99;
  int64_t min_target = 1;
  int64_t max_target = 100;
  // Reads keys n, seed, min_numbers, ... of this section; validates ranges.
  static StatusOr<CountdownConfig> FromConfig(ConfigReader& reader);
  Status Validate() const;
};

struct CountdownTask {
  std::vector<int64_t> numbers;  // in draw order
  int64_t target = 0;
  std::string solution;  // an expression over all numbers equal to target
};

StatusOr<std::vector<CountdownTask>> GenerateCountdown(const CountdownConfig& config);

// The JSONL record of task i: {"id", "prompt", "numbers", "target",
// "solution", "task": "countdown"}, the prompt rendered with `prompt_template`
// (a built-in name or template text; default TinyZero's).
StatusOr<Json> CountdownRecord(const CountdownTask& task, size_t index, uint64_t seed,
                               const std::string& prompt_template = "countdown");

}  // namespace rlzero::data
