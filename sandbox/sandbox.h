// sandbox/sandbox.h: run one untrusted program in isolation. The public
// contract of the sandbox library (torch-free); verifiers and the sandbox
// service use only this header (and sandbox_config.h to build one).
//
// Each Run gets a fresh jail: new user, PID, mount, network, IPC, UTS and
// cgroup namespaces, a private read-only root, a size-limited tmpfs work dir,
// an unprivileged uid, no capabilities, no_new_privs, a seccomp filter, a
// scrubbed environment, fds 0-2 only, rlimits (and cgroup v1 memory / pids
// limits when the host lets us create cgroups). When the program (or the time
// limit) ends, the jail's PID-namespace init dies and the kernel kills every
// process left in it: nothing survives a run. See docs/sandbox.md.
//
// Non-goals: persistent state between runs, GPU access, network access.
//
// Thread safety: Sandbox::Run may be called from many threads at once; the
// implementation bounds concurrency (SandboxConfig::max_concurrency) and
// queues the rest (up to SandboxConfig::max_queue, then RESOURCE_EXHAUSTED).
// Destroying a Sandbox while Run calls are in flight is a programmer error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace rlzero::sandbox {

enum class RunStatus {
  kOk,            // exited 0
  kRuntimeError,  // non-zero exit (exit_code set); also a failed compile step
  kTimeout,       // wall or CPU time limit
  kMemoryLimit,   // address space / cgroup memory
  kOutputLimit,   // stdout or stderr over its cap (partial output kept)
  kSignal,        // killed by a signal (signal set)
  kSandboxError,  // the sandbox itself failed, not the program
};
const char* RunStatusName(RunStatus s);  // "ok", "runtime_error", ...

struct RunRequest {
  std::string language = "python";  // a language from the sandbox config
  std::string source;               // program text
  std::string stdin_data;
  int64_t time_limit_ms = 10000;  // wall clock (CPU limit: the same, rounded up to 1 s)
  int64_t memory_limit_mb = 512;
  int64_t output_limit_kb = 1024;  // per stream
};

struct RunResult {
  RunStatus status = RunStatus::kSandboxError;
  int exit_code = 0;
  int signal = 0;
  std::string stdout_data;
  std::string stderr_data;
  int64_t wall_ms = 0;     // of the run step (a compile step is not counted)
  int64_t cpu_ms = 0;      // user + system of the program and the children it waited for
  int64_t max_rss_kb = 0;  // largest resident set among them
  std::string error;       // why, for kSandboxError
  // False only in the explicitly chosen rlimits-only mode (no namespaces): the
  // run was NOT isolated, and every output says so.
  bool isolated = true;
};

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  // Runs the request. The returned Status is non-OK only for a bad request
  // (unknown language, limits out of range) or a full queue; sandbox failures
  // are reported as RunStatus::kSandboxError in the result.
  virtual StatusOr<RunResult> Run(const RunRequest& request) = 0;
};

struct SandboxConfig;  // sandbox/sandbox_config.h

// Builds the sandbox described by config. Fails (FAILED_PRECONDITION) when the
// host forbids what the chosen isolation needs, naming what is missing and how
// to enable it; never falls back to a weaker mode by itself.
StatusOr<std::unique_ptr<Sandbox>> CreateSandbox(const SandboxConfig& config);

}  // namespace rlzero::sandbox
