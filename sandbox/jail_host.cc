// sandbox/jail_host.cc (internal): spawning and supervising jails (see
// jail_host.h). The clone happens here; everything the child touches is
// prepared before it (jail.h's no-allocation contract).
#include "sandbox/jail_host.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "sandbox/classify.h"
#include "sandbox/seccomp_filter.h"

namespace rlzero::sandbox::internal {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kInsideUid = 1000;
constexpr int kInsideGid = 1000;
constexpr int kNamespaceFlags =
    CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
constexpr int64_t kSetupTimeoutMs = 10000;
constexpr int64_t kDrainTimeoutMs = 500;

std::string Errno(int err) { return std::strerror(err); }

int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

unsigned long LockedFlags(const std::string& path) {
  struct statfs sf;
  if (statfs(path.c_str(), &sf) != 0) return 0;
  unsigned long f = 0;
  if (sf.f_flags & ST_NOSUID) f |= MS_NOSUID;
  if (sf.f_flags & ST_NODEV) f |= MS_NODEV;
  if (sf.f_flags & ST_NOEXEC) f |= MS_NOEXEC;
  if (sf.f_flags & ST_NOATIME) f |= MS_NOATIME;
  if (sf.f_flags & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (sf.f_flags & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

std::vector<MountOp> PlanMounts(const SandboxConfig& c) {
  std::vector<MountOp> ops;
  for (const auto& p : c.ro_binds) {
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) continue;  // absent on this host
    MountOp op;
    op.path = p;
    if (S_ISLNK(st.st_mode)) {
      char buf[4096];
      ssize_t n = readlink(p.c_str(), buf, sizeof buf - 1);
      if (n <= 0) continue;
      op.kind = MountOp::kSymlink;
      op.source.assign(buf, static_cast<size_t>(n));
    } else {
      op.kind = S_ISDIR(st.st_mode) ? MountOp::kBindDir : MountOp::kBindFile;
      op.source = p;
      op.locked_flags = LockedFlags(p);
    }
    ops.push_back(op);
  }
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"}) {
    MountOp op;
    op.kind = MountOp::kDevice;
    op.path = op.source = dev;
    op.locked_flags = LockedFlags(dev) | MS_NOEXEC;
    ops.push_back(op);
  }
  const char* links[][2] = {{"/dev/fd", "/proc/self/fd"},
                            {"/dev/stdin", "/proc/self/fd/0"},
                            {"/dev/stdout", "/proc/self/fd/1"},
                            {"/dev/stderr", "/proc/self/fd/2"}};
  for (auto& l : links) {
    MountOp op;
    op.kind = MountOp::kSymlink;
    op.path = l[0];
    op.source = l[1];
    ops.push_back(op);
  }
  return ops;
}

std::vector<std::string> Substitute(const std::vector<std::string>& tmpl, const std::string& dir,
                                    const std::string& source) {
  std::vector<std::string> out;
  for (std::string s : tmpl) {
    for (auto [key, value] :
         {std::pair<std::string, std::string>{"{source}", source}, {"{dir}", dir}}) {
      size_t at;
      while ((at = s.find(key)) != std::string::npos) s.replace(at, key.size(), value);
    }
    out.push_back(s);
  }
  return out;
}

// Which namespace the host refuses, with how to enable it ("" when all work).
std::string ProbeNamespaces() {
  const std::pair<int, const char*> kinds[] = {{CLONE_NEWUSER, "user"}, {CLONE_NEWPID, "PID"},
                                               {CLONE_NEWNS, "mount"},  {CLONE_NEWNET, "network"},
                                               {CLONE_NEWIPC, "IPC"},   {CLONE_NEWUTS, "UTS"}};
  pid_t pid = fork();
  if (pid < 0) return "fork failed while probing namespaces: " + Errno(errno);
  if (pid == 0) {
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; ++i)
      if (unshare(kinds[i].first) != 0) _exit(static_cast<int>(10 + i));
    _exit(0);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return "";
  int code = WIFEXITED(st) ? WEXITSTATUS(st) - 10 : -1;
  std::string which = code >= 0 && code < 6 ? kinds[code].second : "some";
  return which +
         " namespaces are not available to this process (unshare failed). The sandbox "
         "needs user, PID, mount, network, IPC and UTS namespaces. To enable them: on the host, "
         "sysctl -w user.max_user_namespaces=15000 and (Debian/Ubuntu) "
         "kernel.unprivileged_userns_clone=1 and kernel.apparmor_restrict_unprivileged_userns=0; "
         "in "
         "Docker, run with --security-opt seccomp=unconfined (the default profile blocks unshare) "
         "or --privileged. Or choose sandbox.isolation: rlimits_only explicitly (NOT isolated).";
}

bool WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

Status WriteProcFile(pid_t pid, const char* name, const std::string& value) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Internal("jail: open " + path + ": " + Errno(errno));
  bool ok = WriteAll(fd, value.data(), value.size());
  int err = errno;
  close(fd);
  if (!ok) return Internal("jail: write " + path + ": " + Errno(err));
  return Status::Ok();
}

// Blocking read of one report with a timeout. false on EOF / timeout / error.
bool ReadReport(int fd, JailReport* r, int64_t timeout_ms) {
  struct pollfd p {
    fd, POLLIN, 0
  };
  int rc;
  do {
    rc = poll(&p, 1, static_cast<int>(timeout_ms));
  } while (rc < 0 && errno == EINTR);
  if (rc <= 0) return false;
  ssize_t n;
  do {
    n = read(fd, r, sizeof *r);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof *r) && r->magic == kWireMagic;
}

std::string SetupErrorText(const JailSpec& spec, const JailReport& r) {
  std::string what = JailStageName(r.stage);
  if (r.index >= 0 && static_cast<size_t>(r.index) < spec.mounts.size() &&
      (r.stage == kStageBind || r.stage == kStageRemountRo || r.stage == kStageSymlink ||
       r.stage == kStageDevice))
    what += " (" + spec.mounts[static_cast<size_t>(r.index)].path + ")";
  return "jail setup failed while " + what + ": " + Errno(r.err);
}

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  remove(path);
  return 0;
}

// arg_start arg_end env_start env_end are fields 48-51 of /proc/self/stat.
void ReadCallerStringAreas(JailSpec* s) {
  std::string stat;
  {
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n <= 0) return;
    stat.assign(buf, static_cast<size_t>(n));
  }
  size_t at = stat.rfind(')');  // the command name may hold spaces
  if (at == std::string::npos) return;
  std::vector<unsigned long long> fields;
  const char* p = stat.c_str() + at + 2;
  while (*p && *p != ' ') ++p;  // field 3, the state letter
  while (*p == ' ') ++p;
  while (*p) {
    char* end;
    fields.push_back(std::strtoull(p, &end, 10));
    if (end == p) break;
    p = end;
    while (*p == ' ' || *p == '\n') ++p;
  }
  // fields[0] is field 4 (ppid).
  if (fields.size() < 48) return;
  s->arg_start = fields[44];
  s->arg_end = fields[45];
  s->env_start = fields[46];
  s->env_end = fields[47];
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

}  // namespace

// ---------------------------------------------------------------------------
// JailFactory

JailFactory::~JailFactory() = default;

StatusOr<std::unique_ptr<JailFactory>> JailFactory::Create(const SandboxConfig& config) {
  RLZ_RETURN_IF_ERROR(config.Validate());
  std::unique_ptr<JailFactory> f(new JailFactory());
  f->config_ = config;
  for (const auto& [name, spec] : config.languages) f->language_names_.push_back(name);
  RLZ_ASSIGN_OR_RETURN(f->seccomp_, BuildSeccompFilter());
  if (config.isolation == "namespaces") {
    std::string missing = ProbeNamespaces();
    if (!missing.empty()) return FailedPrecondition("sandbox: " + missing);
    f->mounts_ = PlanMounts(config);
    f->ns_spec_ = f->BuildSpec("/sandbox");
  }
  if (config.cgroup != "off") {
    f->cgroup_roots_ = CgroupRoots::Detect();
    if (!f->cgroup_roots_.usable()) {
      if (config.cgroup == "require")
        return FailedPrecondition("sandbox: cgroup: require, but " + f->cgroup_roots_.why_not +
                                  ". Mount cgroup v1 memory and pids hierarchies writable by this "
                                  "user, or set sandbox.cgroup: auto/off");
      // Said once per sandbox, never silently: limits are rlimits only.
      std::fprintf(stderr,
                   "rlzero sandbox: note: no cgroups (%s); memory and process limits are "
                   "rlimits only (RLIMIT_AS, RLIMIT_NPROC per jail)\n",
                   f->cgroup_roots_.why_not.c_str());
      f->cgroup_roots_ = CgroupRoots();
    }
  }
  // One trial jail now, so a host that forbids a mount step fails here with
  // the step named, not on every run.
  auto trial = f->Spawn();
  if (!trial.ok())
    return FailedPrecondition(trial.status().message() + " (in the trial jail at start-up)");
  return f;
}

int JailFactory::LanguageIndex(const std::string& name) const {
  for (size_t i = 0; i < language_names_.size(); ++i)
    if (language_names_[i] == name) return static_cast<int>(i);
  return -1;
}

std::unique_ptr<JailSpec> JailFactory::BuildSpec(const std::string& work_dir) const {
  const SandboxConfig& c = config_;
  auto s = std::make_unique<JailSpec>();
  s->use_namespaces = c.isolation == "namespaces";
  s->work_dir = work_dir;
  if (s->use_namespaces) {
    const std::string& root = s->root_mount_point;
    s->work_dir_in_root = root + work_dir;
    s->proc_dir = root + "/proc";
    s->tmp_link = root + "/tmp";
    s->work_tmpfs_options = "size=" + std::to_string(c.tmpfs_size_mb) +
                            "m,nr_inodes=16384,mode=0700,uid=" + std::to_string(kInsideUid) +
                            ",gid=" + std::to_string(kInsideGid);
    s->mounts = mounts_;
    for (const auto& op : s->mounts) s->mount_paths.push_back(root + op.path);
    s->inside_uid = kInsideUid;
    s->inside_gid = kInsideGid;
  } else {
    bool root = geteuid() == 0;
    s->inside_uid = root ? static_cast<int>(c.outside_uid) : -1;
    s->inside_gid = root ? static_cast<int>(c.outside_gid) : -1;
  }
  s->env = std::make_unique<CArgv>(std::vector<std::string>{
      "PATH=/usr/bin:/bin", "HOME=" + work_dir, "TMPDIR=" + work_dir, "LANG=C.UTF-8"});
  s->seccomp = seccomp_;
  ReadCallerStringAreas(s.get());
  s->max_processes = c.max_processes;
  s->max_open_files = c.max_open_files;
  s->max_file_size_bytes = c.max_file_size_mb << 20;
  s->stack_bytes = c.stack_size_mb << 20;
  s->languages.resize(language_names_.size());
  for (size_t i = 0; i < language_names_.size(); ++i) {
    const LanguageSpec& ls = c.languages.at(language_names_[i]);
    JailLanguage& jl = s->languages[i];
    jl.source_path = work_dir + "/" + ls.source_name;
    jl.has_compile = !ls.compile.empty();
    jl.compile = std::make_unique<CArgv>(Substitute(ls.compile, work_dir, jl.source_path));
    jl.run = std::make_unique<CArgv>(Substitute(ls.run, work_dir, jl.source_path));
    jl.compile_time_limit_ms = ls.compile_time_limit_ms;
    jl.compile_memory_limit_bytes = ls.compile_memory_limit_mb << 20;
  }
  return s;
}

StatusOr<std::unique_ptr<Jail>> JailFactory::Spawn() const {
  std::unique_ptr<Jail> jail(new Jail());
  jail->factory_ = this;
  std::unique_ptr<JailSpec> own_spec;
  const JailSpec* spec = ns_spec_.get();
  if (!isolated()) {
    char tmpl[] = "/tmp/rlzero-sbx-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return Internal("sandbox: mkdtemp: " + Errno(errno));
    jail->host_work_dir_ = tmpl;
    if (geteuid() == 0 && chown(tmpl, static_cast<uid_t>(config_.outside_uid),
                                static_cast<gid_t>(config_.outside_gid)) != 0)
      return Internal("sandbox: chown " + jail->host_work_dir_ + ": " + Errno(errno));
    own_spec = BuildSpec(jail->host_work_dir_);
    spec = own_spec.get();
  }
  if (cgroup_roots_.usable()) {
    RLZ_ASSIGN_OR_RETURN(jail->cgroup_, JailCgroup::Create(cgroup_roots_));
  }
  int ctrl[2], report[2], in[2], out[2], err[2];
  int* pipes[] = {ctrl, report, in, out, err};
  for (int i = 0; i < 5; ++i) {
    if (pipe2(pipes[i], O_CLOEXEC) != 0) {
      int e = errno;
      for (int j = 0; j < i; ++j) {
        close(pipes[j][0]);
        close(pipes[j][1]);
      }
      return Internal("sandbox: pipe2: " + Errno(e));
    }
  }
  int flags = SIGCHLD | (isolated() ? kNamespaceFlags : 0);
  long pid = syscall(SYS_clone, flags, nullptr, nullptr, nullptr, 0);
  if (pid == 0) {
    int src[5] = {ctrl[0], report[1], in[0], out[1], err[1]};
    ArrangeJailFds(src);
    JailMain(*spec);
  }
  int clone_errno = errno;
  close(ctrl[0]);
  close(report[1]);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  jail->ctrl_fd_ = ctrl[1];
  jail->report_fd_ = report[0];
  jail->stdin_fd_ = in[1];
  jail->stdout_fd_ = out[0];
  jail->stderr_fd_ = err[0];
  if (pid < 0) return Internal("sandbox: clone: " + Errno(clone_errno));
  jail->pid_ = static_cast<pid_t>(pid);
  if (isolated()) {
    std::string uid_line =
        std::to_string(kInsideUid) + " " + std::to_string(config_.outside_uid) + " 1\n";
    std::string gid_line =
        std::to_string(kInsideGid) + " " + std::to_string(config_.outside_gid) + " 1\n";
    RLZ_RETURN_IF_ERROR(WriteProcFile(jail->pid_, "uid_map", uid_line));
    RLZ_RETURN_IF_ERROR(WriteProcFile(jail->pid_, "gid_map", gid_line));
  }
  if (jail->cgroup_) RLZ_RETURN_IF_ERROR(jail->cgroup_->Attach(jail->pid_));
  char go = 1;
  if (!WriteAll(jail->ctrl_fd_, &go, 1)) return Internal("sandbox: the jail died before starting");
  JailReport r;
  if (!ReadReport(jail->report_fd_, &r, kSetupTimeoutMs))
    return Internal("sandbox: the jail's init died or hung during setup");
  if (r.kind == kSetupError) return Internal("sandbox: " + SetupErrorText(*spec, r));
  if (r.kind != kReady) return Internal("sandbox: unexpected report from the jail during setup");
  return jail;
}

// ---------------------------------------------------------------------------
// Jail

Jail::~Jail() {
  KillAndReap();
  CloseFd(&ctrl_fd_);
  CloseFd(&report_fd_);
  CloseFd(&stdin_fd_);
  CloseFd(&stdout_fd_);
  CloseFd(&stderr_fd_);
  cgroup_.reset();
  if (!host_work_dir_.empty()) nftw(host_work_dir_.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
}

void Jail::KillAndReap() {
  if (pid_ <= 0 || reaped_) return;
  if (factory_ != nullptr && !factory_->isolated()) kill(-pid_, SIGKILL);
  if (cgroup_) cgroup_->KillAll();
  kill(pid_, SIGKILL);  // PID-namespace init: every process of the jail dies with it
  while (waitpid(pid_, nullptr, __WALL) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

RunResult Jail::Execute(const RunRequest& req, int language_index) {
  const SandboxConfig& c = factory_->config();
  const LanguageSpec& lang =
      c.languages.at(factory_->language_names_[static_cast<size_t>(language_index)]);
  RunResult result;
  result.isolated = factory_->isolated();
  Observation obs;
  obs.memory_error_markers = lang.memory_error_markers;
  obs.cpu_limit_ms = std::max<int64_t>(1, (req.time_limit_ms + 999) / 1000) * 1000;
  const size_t cap = static_cast<size_t>(req.output_limit_kb) * 1024;
  const int64_t memory_bytes = req.memory_limit_mb << 20;

  auto fail = [&](const std::string& why) {
    obs.sandbox_failed = true;
    obs.sandbox_error = why;
    KillAndReap();
    Classify(obs, &result);
    return result;
  };
  if (cgroup_) {
    int64_t mem =
        std::max(memory_bytes, lang.compile.empty() ? 0 : lang.compile_memory_limit_mb << 20);
    Status st = cgroup_->SetLimits(mem + (c.tmpfs_size_mb << 20) + (64 << 20), c.max_processes + 8);
    if (!st.ok()) return fail(st.message());
  }
  JailRequestHeader h;
  h.language = language_index;
  h.time_limit_ms = req.time_limit_ms;
  h.memory_limit_bytes = memory_bytes;
  h.source_len = req.source.size();
  Clock::time_point sent = Clock::now();
  if (!WriteAll(ctrl_fd_, &h, sizeof h) ||
      !WriteAll(ctrl_fd_, req.source.data(), req.source.size()))
    return fail("the jail died while receiving the program: " + Errno(errno));
  CloseFd(&ctrl_fd_);

  SetNonBlocking(stdin_fd_);
  SetNonBlocking(stdout_fd_);
  SetNonBlocking(stderr_fd_);
  SetNonBlocking(report_fd_);
  size_t stdin_off = 0;
  if (req.stdin_data.empty()) CloseFd(&stdin_fd_);

  Clock::time_point deadline = sent + std::chrono::milliseconds(kSetupTimeoutMs);
  Clock::time_point run_start = sent, run_end = sent;
  bool run_started = false, done = false, killed = false;
  std::string setup_error;
  std::string* bufs[2] = {&result.stdout_data, &result.stderr_data};
  int* out_fds[2] = {&stdout_fd_, &stderr_fd_};
  char chunk[65536];

  // Reads what is there (a bounded number of chunks, so a fast writer cannot
  // keep us here); stops at the cap.
  auto read_stream = [&](int i) {
    for (int k = 0; k < 16 && !obs.output_exceeded; ++k) {
      ssize_t n = read(*out_fds[i], chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;  // EAGAIN
      if (n == 0) {
        CloseFd(out_fds[i]);
        return;
      }
      std::string& b = *bufs[i];
      size_t room = cap > b.size() ? cap - b.size() : 0;
      b.append(chunk, std::min(room, static_cast<size_t>(n)));
      if (static_cast<size_t>(n) > room) obs.output_exceeded = true;
    }
  };

  while (!done) {
    // Never early: expire only at or after the deadline, poll rounded up.
    int64_t left_us =
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count();
    int64_t left_ms = (left_us + 999) / 1000;
    if (left_us <= 0) {
      if (run_started || obs.compile_step) {
        obs.wall_timeout = true;
      } else {
        setup_error = "the jail did not start the program in time";
      }
      killed = true;
      break;
    }
    struct pollfd p[4];
    int n = 0;
    p[n++] = {report_fd_, POLLIN, 0};
    int out_idx = n;
    p[n++] = {stdout_fd_, POLLIN, 0};
    p[n++] = {stderr_fd_, POLLIN, 0};
    int in_idx = -1;
    if (stdin_fd_ >= 0) {
      in_idx = n;
      p[n++] = {stdin_fd_, POLLOUT, 0};
    }
    int rc = poll(p, static_cast<nfds_t>(n), static_cast<int>(std::min<int64_t>(left_ms, 1 << 30)));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) {
      setup_error = "poll: " + Errno(errno);
      break;
    }
    for (int i = 0; i < 2; ++i)
      if (p[out_idx + i].revents & (POLLIN | POLLHUP | POLLERR)) read_stream(i);
    if (obs.output_exceeded) {
      killed = true;
      run_end = Clock::now();
      break;
    }
    if (in_idx >= 0 && (p[in_idx].revents & (POLLOUT | POLLERR | POLLHUP))) {
      for (;;) {
        size_t want = std::min<size_t>(req.stdin_data.size() - stdin_off, 65536);
        ssize_t w = write(stdin_fd_, req.stdin_data.data() + stdin_off, want);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) break;
        if (w <= 0) {  // EPIPE: the program stopped reading; that is its business
          CloseFd(&stdin_fd_);
          break;
        }
        stdin_off += static_cast<size_t>(w);
        if (stdin_off == req.stdin_data.size()) {
          CloseFd(&stdin_fd_);
          break;
        }
      }
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      for (;;) {
        JailReport r;
        ssize_t got = read(report_fd_, &r, sizeof r);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;  // EAGAIN
        if (got != static_cast<ssize_t>(sizeof r) || r.magic != kWireMagic) {
          if (!done && setup_error.empty())
            setup_error =
                got == 0 ? "the jail's init died unexpectedly" : "garbled report from the jail";
          done = true;
          break;
        }
        if (r.kind == kStepStart) {
          if (r.step == kRunStep) {
            run_started = true;
            run_start = Clock::now();
            deadline = run_start + std::chrono::milliseconds(req.time_limit_ms);
          } else {
            obs.compile_step = true;
            deadline = Clock::now() + std::chrono::milliseconds(lang.compile_time_limit_ms);
          }
        } else if (r.kind == kStepEnd) {
          obs.step_ended = true;
          obs.wait_status = r.wait_status;
          obs.compile_step = r.step == kCompileStep;
          bool compile_ok = WIFEXITED(r.wait_status) && WEXITSTATUS(r.wait_status) == 0;
          if (r.step == kRunStep) {
            run_end = Clock::now();
            result.cpu_ms = (r.utime_us + r.stime_us) / 1000;
            result.max_rss_kb = r.maxrss_kb;
            obs.cpu_ms = result.cpu_ms;
            done = true;
          } else if (!compile_ok) {
            done = true;
          } else {
            obs.step_ended = false;  // compile ok: the run step follows
          }
        } else if (r.kind == kSetupError) {
          static const JailSpec kNoMounts;
          setup_error = SetupErrorText(factory_->ns_spec_ ? *factory_->ns_spec_ : kNoMounts, r);
          done = true;
        }
        if (done) break;
      }
    }
  }
  if (!run_started) run_start = Clock::now();
  if (killed && run_end <= run_start) run_end = Clock::now();
  if (obs.wall_timeout) run_end = Clock::now();
  CloseFd(&stdin_fd_);
  KillAndReap();
  if (cgroup_) obs.cgroup_oom = cgroup_->OomKilled();

  // Drain what the program wrote before it ended. Every writer is dead now
  // (namespaces) so EOF comes at once; rlimits-only waits a bounded time.
  Clock::time_point drain_start = Clock::now();
  while ((stdout_fd_ >= 0 || stderr_fd_ >= 0) && !obs.output_exceeded &&
         MsSince(drain_start) < kDrainTimeoutMs) {
    struct pollfd p[2];
    int idx[2];
    int n = 0;
    for (int i = 0; i < 2; ++i)
      if (*out_fds[i] >= 0) {
        idx[n] = i;
        p[n++] = {*out_fds[i], POLLIN, 0};
      }
    int rc = poll(p, static_cast<nfds_t>(n), 50);
    if (rc < 0 && errno != EINTR) break;
    for (int k = 0; k < n; ++k)
      if (p[k].revents & (POLLIN | POLLHUP | POLLERR)) read_stream(idx[k]);
  }
  CloseFd(&stdout_fd_);
  CloseFd(&stderr_fd_);

  result.wall_ms = run_started ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                     (run_end > run_start ? run_end : run_start) - run_start)
                                     .count()
                               : 0;
  if (!setup_error.empty() && !obs.output_exceeded && !obs.wall_timeout) {
    obs.sandbox_failed = true;
    obs.sandbox_error = setup_error;
  }
  Classify(obs, &result);
  return result;
}

}  // namespace rlzero::sandbox::internal
