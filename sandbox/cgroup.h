// sandbox/cgroup.h (internal): one jail's cgroup v1 memory and pids groups.
//
// CgroupRoots::Detect finds, for the memory and pids controllers, the cgroup
// this process lives in (/proc/self/cgroup) under /sys/fs/cgroup/<ctrl>, and
// checks that a child group can be created there. JailCgroup then makes
// rlzero-sbx-<pid>-<n> under each, moves the jail's init in, sets limits,
// tells whether the OOM killer fired, and removes the groups when destroyed.
// Non-goals: cgroup v2 (a later addition: memory.max, pids.max, memory.events).
// Thread safety: CgroupRoots is immutable after Detect; a JailCgroup belongs
// to one jail.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace rlzero::sandbox::internal {

struct CgroupRoots {
  std::string memory;  // "" when unusable
  std::string pids;
  std::string why_not;  // when either is unusable: what failed
  // Probes the controllers (creates and removes a test group).
  static CgroupRoots Detect();
  bool usable() const { return !memory.empty() && !pids.empty(); }
};

class JailCgroup {
 public:
  // Creates the groups (mkdir). Errors name the path.
  static StatusOr<std::unique_ptr<JailCgroup>> Create(const CgroupRoots& roots);
  ~JailCgroup();  // kills what is left and removes the groups
  Status Attach(pid_t pid);
  Status SetLimits(int64_t memory_bytes, int64_t max_pids);
  // Whether the memory controller's OOM killer killed a process of the group.
  bool OomKilled() const;
  // SIGKILLs every task still in the pids group (rlimits-only mode: the tree
  // can leave its process group, not its cgroup).
  void KillAll() const;

 private:
  JailCgroup() = default;
  std::string memory_;
  std::string pids_;
};

}  // namespace rlzero::sandbox::internal
