// tests/inspect/fake_run.h: writes a synthetic run dir the way the learner
// will: rollouts through RolloutWriter, metrics through RunMetricsSink.
// Deterministic (no clock-dependent content besides wall_time fields).
// Test-only.
//
// Content: `steps` steps x `prompts` arithmetic prompts ("p0".."pN", "What is
// a + b?") x `group` samples. Sample k of prompt p at step s is correct iff
// (p + k + s) % 3 != 0 || s == steps (so accuracy rises to 1 at the last
// step); correct ones answer a+b inside <answer>..</answer>, wrong ones a+b+1.
// Prompt "p1" sample 0 at step 1 is hostile: it contains
// "</script><script>document.body.setAttribute('data-pwned','yes')</script>",
// an <img onerror> and an ANSI escape. Metrics per step: reward/mean,
// reward/correctness, reward/format, accuracy, response_length/mean, kl,
// entropy, clip_frac, grad_norm, throughput/tokens_per_s, loss.
#pragma once

#include <string>

#include "base/status.h"

namespace rlzero::inspect::testing {

struct FakeRunOptions {
  int steps = 3;
  int prompts = 3;
  int group = 4;
  bool write_metrics = true;
};

Status WriteFakeRun(const std::string& run_dir, const FakeRunOptions& options = {});

}  // namespace rlzero::inspect::testing
