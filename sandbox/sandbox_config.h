// sandbox/sandbox_config.h: the sandbox's configuration (section `sandbox:` of
// a config file): isolation mode, pool and queue sizes, fixed limits, the
// read-only view of the host, and the languages as command templates.
//
// Languages are data, not code: adding one is a config entry
//   languages:
//     ruby: {source_name: main.rb, run: ["/usr/bin/ruby", "{source}"]}
// Templates may use {dir} (the work dir as the program sees it) and {source}
// ({dir}/source_name). A non-empty `compile` runs first with its own limits;
// when it fails the result is runtime_error with the compiler's output.
//
// Non-goals: per-request command lines (requests pick a language by name).
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero::sandbox {

struct LanguageSpec {
  std::string source_name;           // file name of the program in the work dir
  std::vector<std::string> compile;  // argv template; empty: no compile step
  std::vector<std::string> run;      // argv template
  int64_t compile_time_limit_ms = 20000;
  int64_t compile_memory_limit_mb = 1024;
  // A failed run whose stderr contains one of these is classified as
  // memory_limit (an allocation refused by RLIMIT_AS surfaces this way).
  std::vector<std::string> memory_error_markers;
};

struct SandboxConfig {
  // "namespaces" (default) or "rlimits_only" (NOT isolated: rlimits, seccomp
  // and a private work dir only; every run says so).
  std::string isolation = "namespaces";
  int max_concurrency = 2;  // runs at once
  int max_queue = 1024;     // runs waiting for a slot; beyond: RESOURCE_EXHAUSTED
  int prefork = 2;          // jails kept set up and waiting (0: spawn on demand)
  // Host uid/gid the sandbox uid maps to (a user that owns nothing: nobody).
  int64_t outside_uid = 65534;
  int64_t outside_gid = 65534;
  int64_t tmpfs_size_mb = 64;     // work dir size
  int64_t max_processes = 64;     // RLIMIT_NPROC inside the jail's user namespace
  int64_t max_open_files = 64;    // RLIMIT_NOFILE
  int64_t max_file_size_mb = 16;  // RLIMIT_FSIZE
  int64_t stack_size_mb = 8;      // RLIMIT_STACK (set, never inherited from the host)
  // "auto": use cgroup v1 memory + pids when creatable, "off", or "require".
  std::string cgroup = "auto";
  // Host paths shown read-only inside (symlinks are recreated as symlinks);
  // missing ones are skipped.
  std::vector<std::string> ro_binds = {
      "/bin",       "/lib",         "/lib64",       "/usr/bin",          "/usr/lib",
      "/usr/lib64", "/usr/libexec", "/usr/include", "/etc/alternatives", "/etc/ld.so.cache"};
  // Request bounds (INVALID_ARGUMENT beyond).
  int64_t max_time_limit_ms = 120000;
  int64_t max_memory_limit_mb = 16384;
  int64_t max_output_limit_kb = 65536;
  int64_t max_source_bytes = 4 << 20;
  int64_t max_stdin_bytes = 64 << 20;
  std::map<std::string, LanguageSpec> languages = DefaultLanguages();

  static std::map<std::string, LanguageSpec> DefaultLanguages();
  // Reads the section (absent keys keep the defaults); errors go to the reader.
  static SandboxConfig FromConfig(ConfigReader& reader);
  Status Validate() const;
};

}  // namespace rlzero::sandbox
