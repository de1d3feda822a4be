// sandbox/classify.h: turns what the host observed about a run into the
// outcome of the contract (ok, runtime_error, timeout, memory_limit,
// output_limit, signal, sandbox_error). Pure, so every rule is unit tested.
//
// Precedence: a sandbox failure first (the program's result means nothing
// then); then output_limit (we killed it for that); then timeout (wall clock,
// or CPU: SIGXCPU, or SIGKILL at/after the CPU limit); then memory (the cgroup
// OOM killer fired, or a failed run printed a language's allocation-failure
// marker such as MemoryError); then exit code / signal.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace rlzero::sandbox {

struct Observation {
  bool sandbox_failed = false;
  std::string sandbox_error;
  bool compile_step = false;     // the step that ended was a compile step
  bool step_ended = false;       // init reported the step's end
  int wait_status = 0;           // of the step, as from wait4
  bool wall_timeout = false;     // the host's deadline fired
  bool output_exceeded = false;  // a stream went over its cap
  bool cgroup_oom = false;
  int64_t cpu_ms = 0;
  int64_t cpu_limit_ms = 0;  // RLIMIT_CPU in ms (rounded up to whole seconds)
  std::vector<std::string> memory_error_markers;
};

// Fills status, exit_code, signal (and error) of *result; stderr_data must
// already be set (markers are searched there).
void Classify(const Observation& obs, RunResult* result);

}  // namespace rlzero::sandbox
