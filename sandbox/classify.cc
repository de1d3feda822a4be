// sandbox/classify.cc: outcome classification (rules in classify.h).
#include "sandbox/classify.h"

#include <signal.h>
#include <sys/wait.h>

namespace rlzero::sandbox {

namespace {

bool HasMarker(const Observation& obs, const std::string& text) {
  for (const auto& m : obs.memory_error_markers)
    if (!m.empty() && text.find(m) != std::string::npos) return true;
  return false;
}

}  // namespace

void Classify(const Observation& obs, RunResult* r) {
  r->exit_code = 0;
  r->signal = 0;
  if (obs.sandbox_failed) {
    r->status = RunStatus::kSandboxError;
    r->error = obs.sandbox_error.empty() ? "sandbox failed" : obs.sandbox_error;
    return;
  }
  if (obs.output_exceeded) {
    r->status = RunStatus::kOutputLimit;
    return;
  }
  if (obs.wall_timeout) {
    r->status = RunStatus::kTimeout;
    return;
  }
  if (!obs.step_ended) {
    r->status = RunStatus::kSandboxError;
    r->error = "the jail ended before the program's end was reported";
    return;
  }
  const int st = obs.wait_status;
  if (WIFSIGNALED(st)) {
    int sig = WTERMSIG(st);
    if (sig == SIGXCPU ||
        (sig == SIGKILL && obs.cpu_limit_ms > 0 && obs.cpu_ms >= obs.cpu_limit_ms)) {
      r->status = RunStatus::kTimeout;
    } else if (obs.cgroup_oom || HasMarker(obs, r->stderr_data)) {
      r->status = RunStatus::kMemoryLimit;
    } else {
      r->status = RunStatus::kSignal;
      r->signal = sig;
    }
    return;
  }
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
  if (code == 0 && !obs.compile_step) {
    r->status = RunStatus::kOk;
    return;
  }
  if (obs.cgroup_oom || HasMarker(obs, r->stderr_data)) {
    r->status = RunStatus::kMemoryLimit;
    return;
  }
  r->status = RunStatus::kRuntimeError;
  r->exit_code = code == 0 ? 1 : code;
}

}  // namespace rlzero::sandbox
