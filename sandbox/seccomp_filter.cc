// sandbox/seccomp_filter.cc (internal): builds the deny-list filter with
// libseccomp and exports it as raw BPF through a memfd.
#include "sandbox/seccomp_filter.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace rlzero::sandbox::internal {

namespace {

constexpr const char* kDenied[] = {
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "mount_setattr",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "unshare",
    "setns",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "add_key",
    "request_key",
    "keyctl",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "quotactl_fd",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "syslog",
    "vhangup",
    "iopl",
    "ioperm",
    "lookup_dcookie",
    "open_by_handle_at",
    "name_to_handle_at",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "fanotify_init",
    "personality",
    "uselib",
    "nfsservctl",
};

}  // namespace

StatusOr<std::vector<sock_filter>> BuildSeccompFilter() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) return Internal("seccomp_init failed");
  struct Guard {
    scmp_filter_ctx c;
    ~Guard() { seccomp_release(c); }
  } guard{ctx};
  // A binary search over syscall numbers instead of a linear list: every
  // syscall of the program pays for the filter.
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (const char* name : kDenied) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture / libseccomp
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    if (rc != 0) return Internal(std::string("seccomp: deny ") + name + ": " + std::strerror(-rc));
  }
  // libseccomp has no "masked != 0": deny each namespace bit of clone's flags.
  int rc = 0;
  for (unsigned long bit :
       {static_cast<unsigned long>(CLONE_NEWNS), static_cast<unsigned long>(CLONE_NEWUTS),
        static_cast<unsigned long>(CLONE_NEWIPC), static_cast<unsigned long>(CLONE_NEWUSER),
        static_cast<unsigned long>(CLONE_NEWPID), static_cast<unsigned long>(CLONE_NEWNET),
        static_cast<unsigned long>(CLONE_NEWCGROUP)}) {
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, bit, bit));
    if (rc != 0) return Internal(std::string("seccomp: clone rule: ") + std::strerror(-rc));
  }
  rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (rc != 0) return Internal(std::string("seccomp: clone3 rule: ") + std::strerror(-rc));

  int fd = memfd_create("rlzero-seccomp", MFD_CLOEXEC);
  if (fd < 0) return Internal(std::string("seccomp: memfd_create: ") + std::strerror(errno));
  rc = seccomp_export_bpf(ctx, fd);
  if (rc != 0) {
    close(fd);
    return Internal(std::string("seccomp_export_bpf: ") + std::strerror(-rc));
  }
  off_t size = lseek(fd, 0, SEEK_END);
  std::vector<sock_filter> prog(static_cast<size_t>(size) / sizeof(sock_filter));
  ssize_t got = pread(fd, prog.data(), prog.size() * sizeof(sock_filter), 0);
  close(fd);
  if (size <= 0 || got != size || size % sizeof(sock_filter) != 0)
    return Internal("seccomp: exported filter has a bad size");
  return prog;
}

}  // namespace rlzero::sandbox::internal
