// sandbox/jail.cc (internal): the jail's init process. Runs in a raw clone of
// a possibly multi-threaded host, so: no malloc, no locks, no stdio, no glibc
// wrappers that talk to other threads (setuid & co broadcast to every thread
// glibc knows of, which do not exist here): raw syscalls for credentials.
#include "sandbox/jail.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace rlzero::sandbox::internal {

CArgv::CArgv(std::vector<std::string> s) : strings(std::move(s)) {
  for (auto& str : strings) ptrs.push_back(str.data());
  ptrs.push_back(nullptr);
}

const char* JailStageName(int32_t stage) {
  switch (stage) {
    case kStageGo:
      return "waiting for the uid map";
    case kStagePrivateMounts:
      return "making mounts private";
    case kStageRootTmpfs:
      return "mounting the root tmpfs";
    case kStageBind:
      return "bind-mounting a host path";
    case kStageRemountRo:
      return "remounting a bind read-only";
    case kStageSymlink:
      return "creating a symlink";
    case kStageDevice:
      return "binding a device node";
    case kStageProc:
      return "mounting a fresh /proc";
    case kStageWorkTmpfs:
      return "mounting the work tmpfs";
    case kStagePivotRoot:
      return "pivot_root into the private root";
    case kStageRequest:
      return "reading the request";
    case kStageSource:
      return "writing the program";
    case kStageFork:
      return "forking the program";
    case kStageRlimit:
      return "setting rlimits";
    case kStageSetuid:
      return "dropping to the sandbox uid";
    case kStageNoNewPrivs:
      return "setting no_new_privs";
    case kStageSeccomp:
      return "loading the seccomp filter";
    case kStageExec:
      return "executing the command";
    case kStageHostname:
      return "setting the hostname";
    case kStageWait:
      return "waiting for the program";
  }
  return "unknown stage";
}

namespace {

bool WriteFull(int fd, const void* buf, size_t n) {
  const char* p = static_cast<const char*>(buf);
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool ReadFull(int fd, void* buf, size_t n) {
  char* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

void Report(const JailReport& r) { WriteFull(kReportFd, &r, sizeof r); }

[[noreturn]] void Fail(int32_t stage, int err, int32_t index = 0) {
  JailReport r;
  r.kind = kSetupError;
  r.stage = stage;
  r.err = err;
  r.index = index;
  Report(r);
  _exit(1);
}

// mkdir -p of every parent of path (path itself too when `self`).
void MakeDirs(const char* path, bool self) {
  char buf[4096];
  size_t n = strlen(path);
  if (n >= sizeof buf) return;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; ++i) {
    if (buf[i] == '/' || (self && buf[i] == '\0')) {
      char c = buf[i];
      buf[i] = '\0';
      mkdir(buf, 0755);
      buf[i] = c;
    }
  }
}

void TouchFile(const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd >= 0) close(fd);
}

void BuildRoot(const JailSpec& s) {
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    Fail(kStagePrivateMounts, errno);
  const char* root = s.root_mount_point.c_str();
  if (mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, s.root_tmpfs_options.c_str()) != 0)
    Fail(kStageRootTmpfs, errno);
  for (size_t i = 0; i < s.mounts.size(); ++i) {
    const MountOp& op = s.mounts[i];
    const char* target = s.mount_paths[i].c_str();
    int idx = static_cast<int>(i);
    switch (op.kind) {
      case MountOp::kSymlink:
        MakeDirs(target, false);
        if (symlink(op.source.c_str(), target) != 0) Fail(kStageSymlink, errno, idx);
        break;
      case MountOp::kBindDir:
      case MountOp::kBindFile:
      case MountOp::kDevice: {
        if (op.kind == MountOp::kBindDir) {
          MakeDirs(target, true);
        } else {
          MakeDirs(target, false);
          TouchFile(target);
        }
        if (mount(op.source.c_str(), target, nullptr, MS_BIND | MS_REC, nullptr) != 0)
          Fail(op.kind == MountOp::kDevice ? kStageDevice : kStageBind, errno, idx);
        unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | op.locked_flags;
        if (op.kind != MountOp::kDevice) flags |= MS_RDONLY | MS_NODEV;
        if (mount(nullptr, target, nullptr, flags, nullptr) != 0) Fail(kStageRemountRo, errno, idx);
        break;
      }
    }
  }
  MakeDirs(s.proc_dir.c_str(), true);
  if (mount("proc", s.proc_dir.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2") != 0)
    Fail(kStageProc, errno);
  MakeDirs(s.work_dir_in_root.c_str(), true);
  if (mount("tmpfs", s.work_dir_in_root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
            s.work_tmpfs_options.c_str()) != 0)
    Fail(kStageWorkTmpfs, errno);
  if (!s.tmp_link.empty() && symlink(s.work_dir.c_str() + 1, s.tmp_link.c_str()) != 0)
    Fail(kStageSymlink, errno, -1);
  if (chdir(root) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 || umount2(".", MNT_DETACH) != 0 ||
      chdir("/") != 0)
    Fail(kStagePivotRoot, errno);
  if (mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
            nullptr) != 0)
    Fail(kStageRemountRo, errno, -1);
  if (sethostname("sandbox", 7) != 0) Fail(kStageHostname, errno);
}

// The caller's argv and environment live on in init's memory (a copy of the
// host's) and /proc/1/cmdline shows the former: wipe both so no process in the
// jail can read them back.
void WipeCallerStrings(const JailSpec& s) {
  if (environ != nullptr)
    for (char** e = environ; *e != nullptr; ++e) memset(*e, 0, strlen(*e));
  if (s.arg_end > s.arg_start)
    memset(reinterpret_cast<void*>(s.arg_start), 0, s.arg_end - s.arg_start);
  if (s.env_end > s.env_start)
    memset(reinterpret_cast<void*>(s.env_start), 0, s.env_end - s.env_start);
}

bool SetCaps(bool keep_permitted) {
  struct __user_cap_header_struct hdr;
  struct __user_cap_data_struct data[2];
  memset(&hdr, 0, sizeof hdr);
  memset(data, 0, sizeof data);
  hdr.version = _LINUX_CAPABILITY_VERSION_3;
  if (keep_permitted) {
    if (syscall(SYS_capget, &hdr, data) != 0) return false;
    for (auto& d : data) d.effective = d.permitted;
  }
  for (auto& d : data) d.inheritable = 0;
  return syscall(SYS_capset, &hdr, data) == 0;
}

// Become the sandbox uid (the only one mapped, so files we create have an
// owner) while keeping, for the mounts, the capabilities the new user
// namespace granted us.
void BecomeSandboxUserKeepingCaps(const JailSpec& s) {
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || syscall(SYS_setgroups, 0, nullptr) != 0 ||
      syscall(SYS_setresgid, s.inside_gid, s.inside_gid, s.inside_gid) != 0 ||
      syscall(SYS_setresuid, s.inside_uid, s.inside_uid, s.inside_uid) != 0 || !SetCaps(true))
    Fail(kStageSetuid, errno);
}

// Drop every capability for good: bounding set, ambient, permitted.
void DropAllCaps() {
  for (int cap = 0; cap < 64; ++cap) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  if (!SetCaps(false)) Fail(kStageSetuid, errno);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // credential changes reset it
}

struct StepFailure {
  int32_t stage;
  int32_t err;
};

// In the forked step child: become the program. Never returns.
[[noreturn]] void ExecStep(const JailSpec& s, const CArgv& argv, int stdin_fd, int64_t memory_bytes,
                           int64_t cpu_ms, int err_fd) {
  auto fail = [&](int32_t stage) {
    StepFailure f{stage, errno};
    WriteFull(err_fd, &f, sizeof f);
    _exit(127);
  };
  if (dup2(stdin_fd, 0) < 0 || dup2(kStdoutFd, 1) < 0 || dup2(kStderrFd, 2) < 0) fail(kStageFork);
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < 65; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  int64_t cpu_s = (cpu_ms + 999) / 1000;
  if (cpu_s < 1) cpu_s = 1;
  struct Lim {
    int res;
    rlim_t soft, hard;
  } lims[] = {
      {RLIMIT_AS, static_cast<rlim_t>(memory_bytes), static_cast<rlim_t>(memory_bytes)},
      {RLIMIT_CPU, static_cast<rlim_t>(cpu_s), static_cast<rlim_t>(cpu_s + 1)},
      {RLIMIT_NPROC, static_cast<rlim_t>(s.max_processes), static_cast<rlim_t>(s.max_processes)},
      {RLIMIT_NOFILE, static_cast<rlim_t>(s.max_open_files), static_cast<rlim_t>(s.max_open_files)},
      {RLIMIT_FSIZE, static_cast<rlim_t>(s.max_file_size_bytes),
       static_cast<rlim_t>(s.max_file_size_bytes)},
      {RLIMIT_STACK, static_cast<rlim_t>(s.stack_bytes), static_cast<rlim_t>(s.stack_bytes)},
      {RLIMIT_CORE, 0, 0},
      {RLIMIT_MEMLOCK, 0, 0},
      {RLIMIT_MSGQUEUE, 0, 0},
  };
  for (const Lim& l : lims) {
    struct rlimit rl {
      l.soft, l.hard
    };
    if (setrlimit(l.res, &rl) != 0) fail(kStageRlimit);
  }
  // Namespaces: init already is the sandbox uid without capabilities.
  // rlimits-only as root: drop to the configured unprivileged uid here.
  if (!s.use_namespaces && s.inside_uid >= 0) {
    if (syscall(SYS_setgroups, 0, nullptr) != 0) fail(kStageSetuid);
    if (syscall(SYS_setresgid, s.inside_gid, s.inside_gid, s.inside_gid) != 0) fail(kStageSetuid);
    if (syscall(SYS_setresuid, s.inside_uid, s.inside_uid, s.inside_uid) != 0) fail(kStageSetuid);
  }
  if (chdir(s.work_dir.c_str()) != 0) fail(kStageSetuid);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(kStageNoNewPrivs);
  // Everything but 0..2 closes at exec (the error pipe must live until then).
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) fail(kStageExec);
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(s.seccomp.size());
  prog.filter = const_cast<sock_filter*>(s.seccomp.data());
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) fail(kStageSeccomp);
  execve(argv.ptrs[0], argv.ptrs.data(), s.env->ptrs.data());
  fail(kStageExec);
  _exit(127);
}

struct StepArgs {
  const JailSpec* spec;
  const CArgv* argv;
  int stdin_fd;
  int64_t memory_bytes;
  int64_t cpu_ms;
  int err_read_fd, err_write_fd;
};

// The step child's stack (it shares init's memory until execve).
alignas(64) char g_step_stack[256 * 1024];

int StepEntry(void* p) {
  const StepArgs* a = static_cast<const StepArgs*>(p);
  close(a->err_read_fd);  // our own fd table (no CLONE_FILES)
  ExecStep(*a->spec, *a->argv, a->stdin_fd, a->memory_bytes, a->cpu_ms, a->err_write_fd);
}

// Runs one step to its end and reports it. Returns whether it exited 0.
bool RunStep(const JailSpec& s, int32_t step, const CArgv& argv, int stdin_fd, int64_t memory_bytes,
             int64_t cpu_ms) {
  int errp[2];
  if (pipe2(errp, O_CLOEXEC) != 0) Fail(kStageFork, errno);
  JailReport start;
  start.kind = kStepStart;
  start.step = step;
  Report(start);
  // vfork-style, as posix_spawn does: the child borrows init's memory on its
  // own stack until execve, so no page tables are copied (init is a copy of
  // the host process, which may be large). init sleeps until the exec.
  StepArgs args{&s, &argv, stdin_fd, memory_bytes, cpu_ms, errp[0], errp[1]};
  int pid =
      clone(StepEntry, g_step_stack + sizeof g_step_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  if (pid < 0) Fail(kStageFork, errno);
  close(errp[1]);
  StepFailure f;
  bool exec_failed = ReadFull(errp[0], &f, sizeof f);
  close(errp[0]);
  JailReport end;
  end.kind = kStepEnd;
  end.step = step;
  for (;;) {
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    pid_t r = wait4(-1, &st, __WALL, &ru);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) Fail(kStageWait, errno);
    if (r != pid) continue;  // an orphan of the program, reparented to us
    end.wait_status = st;
    end.utime_us = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec;
    end.stime_us = ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
    end.maxrss_kb = ru.ru_maxrss;
    break;
  }
  if (exec_failed) Fail(f.stage, f.err);
  Report(end);
  return WIFEXITED(end.wait_status) && WEXITSTATUS(end.wait_status) == 0;
}

}  // namespace

void ArrangeJailFds(const int src[5]) {
  int hi = kFirstFreeFd;
  for (int i = 0; i < 5; ++i)
    if (src[i] + 1 > hi) hi = src[i] + 1;
  int tmp[5];
  for (int i = 0; i < 5; ++i) tmp[i] = fcntl(src[i], F_DUPFD, hi);
  for (int i = 0; i < 5; ++i) dup2(tmp[i], kCtrlFd + i);
  int null_fd = open("/dev/null", O_RDWR);
  for (int i = 0; i < 3; ++i) dup2(null_fd, i);
  syscall(SYS_close_range, static_cast<unsigned>(kFirstFreeFd), ~0U, 0U);
}

void JailMain(const JailSpec& s) {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // No host signal handler may run in here: as PID 1 with default actions,
  // every signal from inside the jail is dropped by the kernel.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < 65; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  char go = 0;
  if (!ReadFull(kCtrlFd, &go, 1)) _exit(0);  // host gone before we started
  if (s.use_namespaces) {
    if (unshare(CLONE_NEWCGROUP) != 0)
      Fail(kStagePrivateMounts, errno);  // we are in our cgroup now
    BecomeSandboxUserKeepingCaps(s);
    BuildRoot(s);
    DropAllCaps();
  } else {
    setpgid(0, 0);
  }
  WipeCallerStrings(s);
  JailReport ready;
  ready.kind = kReady;
  Report(ready);

  JailRequestHeader h;
  if (!ReadFull(kCtrlFd, &h, sizeof h)) _exit(0);  // pool shut down
  if (h.magic != kWireMagic || h.language < 0 ||
      static_cast<size_t>(h.language) >= s.languages.size())
    Fail(kStageRequest, EINVAL);
  const JailLanguage& lang = s.languages[static_cast<size_t>(h.language)];
  int fd =
      open(lang.source_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) Fail(kStageSource, errno);
  char buf[65536];
  uint64_t left = h.source_len;
  while (left > 0) {
    size_t chunk = left < sizeof buf ? static_cast<size_t>(left) : sizeof buf;
    if (!ReadFull(kCtrlFd, buf, chunk)) Fail(kStageSource, EPIPE);
    if (!WriteFull(fd, buf, chunk)) Fail(kStageSource, errno);
    left -= chunk;
  }
  if (!s.use_namespaces && s.inside_uid >= 0 && fchown(fd, s.inside_uid, s.inside_gid) != 0)
    Fail(kStageSource, errno);
  close(fd);

  bool compiled = true;
  if (lang.has_compile) {
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    compiled = RunStep(s, kCompileStep, *lang.compile, null_fd < 0 ? 0 : null_fd,
                       lang.compile_memory_limit_bytes, lang.compile_time_limit_ms);
    if (null_fd >= 0) close(null_fd);
  }
  if (compiled) RunStep(s, kRunStep, *lang.run, kStdinFd, h.memory_limit_bytes, h.time_limit_ms);
  // Namespaces: our exit kills every process left in the PID namespace.
  // rlimits-only: the best we can do is our process group.
  if (!s.use_namespaces) kill(0, SIGKILL);
  _exit(0);
}

}  // namespace rlzero::sandbox::internal
