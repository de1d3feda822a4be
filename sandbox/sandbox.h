// sandbox/sandbox.h: run one untrusted program in isolation. The public
// contract of the sandbox library (torch-free); verifiers and the sandbox
// service use only this header.
//
// Thread safety: Sandbox::Run may be called from many threads at once; the
// implementation bounds concurrency and queues the rest.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace rlzero::sandbox {

enum class RunStatus {
  kOk,             // exited 0
  kRuntimeError,   // non-zero exit (exit_code set)
  kTimeout,        // wall or CPU time limit
  kMemoryLimit,    // address space / cgroup memory
  kOutputLimit,    // stdout or stderr over its cap (partial output kept)
  kSignal,         // killed by a signal (signal set)
  kSandboxError,   // the sandbox itself failed, not the program
};
const char* RunStatusName(RunStatus s);  // "ok", "runtime_error", ...

struct RunRequest {
  std::string language = "python";  // a language from the sandbox config
  std::string source;                // program text
  std::string stdin_data;
  int64_t time_limit_ms = 10000;     // wall clock
  int64_t memory_limit_mb = 512;
  int64_t output_limit_kb = 1024;    // per stream
};

struct RunResult {
  RunStatus status = RunStatus::kSandboxError;
  int exit_code = 0;
  int signal = 0;
  std::string stdout_data;
  std::string stderr_data;
  int64_t wall_ms = 0;
  int64_t cpu_ms = 0;
  int64_t max_rss_kb = 0;
  std::string error;  // why, for kSandboxError
};

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  // Runs the request. The returned Status is non-OK only for a bad request
  // (unknown language, limits out of range); sandbox failures are reported as
  // RunStatus::kSandboxError in the result.
  virtual StatusOr<RunResult> Run(const RunRequest& request) = 0;
};

}  // namespace rlzero::sandbox
