// sandbox/jail_host.h (internal): the host side of a jail. A JailFactory is
// built once from the config (seccomp program, mount plan, cgroup roots,
// argv templates) and spawns single-use Jails: each is cloned into fresh
// namespaces, mapped to the unprivileged uid, placed in its cgroups, and
// returned once its init reports that the private root is ready. Execute then
// sends one request, feeds stdin, captures stdout/stderr with poll (capped),
// enforces the wall-clock limit, and kills the jail's init at the end, which
// takes every process of the jail with it.
//
// Thread safety: a JailFactory may spawn from several threads. A Jail belongs
// to one thread. The thread that spawns a jail must outlive it: init has
// PR_SET_PDEATHSIG bound to that thread (the sandbox pool uses one long-lived
// spawner thread).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "sandbox/cgroup.h"
#include "sandbox/jail.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_config.h"

namespace rlzero::sandbox::internal {

class Jail;

class JailFactory {
 public:
  // Checks the host (namespaces available, cgroups per config.cgroup) and
  // prepares everything; FAILED_PRECONDITION names what is missing.
  static StatusOr<std::unique_ptr<JailFactory>> Create(const SandboxConfig& config);
  ~JailFactory();

  // A jail whose init is ready for a request.
  StatusOr<std::unique_ptr<Jail>> Spawn() const;
  // Index of a language in the spec, or -1.
  int LanguageIndex(const std::string& name) const;
  const SandboxConfig& config() const { return config_; }
  bool isolated() const { return config_.isolation == "namespaces"; }
  bool cgroups() const { return cgroup_roots_.usable(); }

 private:
  JailFactory() = default;
  // The jail spec for one spawn; work_dir is the program's view of it.
  std::unique_ptr<JailSpec> BuildSpec(const std::string& work_dir) const;

  SandboxConfig config_;
  std::vector<std::string> language_names_;  // index -> name
  std::vector<MountOp> mounts_;
  std::vector<sock_filter> seccomp_;
  CgroupRoots cgroup_roots_;
  std::unique_ptr<JailSpec> ns_spec_;  // namespaces mode: shared by every spawn
  friend class Jail;
};

class Jail {
 public:
  ~Jail();  // kills the jail if still alive, reaps it, removes its cgroups / work dir
  // Runs the request (the language already validated). Never fails: sandbox
  // failures come back as kSandboxError.
  RunResult Execute(const RunRequest& request, int language_index);
  pid_t init_pid() const { return pid_; }

 private:
  friend class JailFactory;
  Jail() = default;
  void KillAndReap();

  const JailFactory* factory_ = nullptr;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int ctrl_fd_ = -1, report_fd_ = -1, stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1;
  std::unique_ptr<JailCgroup> cgroup_;
  std::string host_work_dir_;  // rlimits-only: removed at the end
};

}  // namespace rlzero::sandbox::internal
