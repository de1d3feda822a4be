// sandbox/seccomp_filter.h (internal): the seccomp-bpf program every sandboxed
// program runs under, compiled once with libseccomp in the host and handed to
// the jail as raw BPF (loading it needs no allocation).
//
// Policy: allow by default, deny (EPERM) what untrusted programs never need:
// ptrace and cross-process memory access, mount and pivot_root, namespace
// creation (unshare, setns, clone with CLONE_NEW*), bpf, perf_event_open,
// kexec, kernel modules, keyrings, reboot, swap, clock and hostname changes,
// io_uring, userfaultfd, handle-based opens, kernel log, acct, quotas.
// clone3 answers ENOSYS so libc falls back to clone, whose flags we can
// inspect. Other architectures' syscall ABIs (x32, i386 via int 0x80) kill.
// Non-goals: an allowlist (CPython and g++ use a wide set of syscalls).
// Thread safety: pure.
#pragma once

#include <linux/filter.h>

#include <vector>

#include "base/status.h"

namespace rlzero::sandbox::internal {

StatusOr<std::vector<sock_filter>> BuildSeccompFilter();

}  // namespace rlzero::sandbox::internal
