// sandbox/cgroup.cc (internal): cgroup v1 memory + pids groups per jail.
#include "sandbox/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rlzero::sandbox::internal {

namespace {

std::atomic<uint64_t> g_counter{0};

// The path of this process's group for `controller`, from /proc/self/cgroup.
std::string OwnGroup(const std::string& controller) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(':');
    size_t b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string ctrls = line.substr(a + 1, b - a - 1);
    std::stringstream ss(ctrls);
    std::string c;
    while (std::getline(ss, c, ','))
      if (c == controller) return line.substr(b + 1);
  }
  return "";
}

Status WriteFile(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Internal("cgroup: open " + path + ": " + std::strerror(errno));
  ssize_t w = write(fd, value.data(), value.size());
  int err = errno;
  close(fd);
  if (w != static_cast<ssize_t>(value.size()))
    return Internal("cgroup: write '" + value + "' to " + path + ": " + std::strerror(err));
  return Status::Ok();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ProbeController(const std::string& controller, std::string* why) {
  std::string base = "/sys/fs/cgroup/" + controller;
  struct stat st;
  if (stat((base + "/cgroup.procs").c_str(), &st) != 0) {
    *why += controller + ": no cgroup v1 hierarchy at " + base + "; ";
    return "";
  }
  std::string own = OwnGroup(controller);
  std::string root = base + (own == "/" ? "" : own);
  std::string test = root + "/rlzero-probe-" + std::to_string(getpid());
  if (mkdir(test.c_str(), 0755) != 0 && errno != EEXIST) {
    *why +=
        controller + ": cannot create a group under " + root + " (" + std::strerror(errno) + "); ";
    return "";
  }
  rmdir(test.c_str());
  return root;
}

}  // namespace

CgroupRoots CgroupRoots::Detect() {
  CgroupRoots r;
  r.memory = ProbeController("memory", &r.why_not);
  r.pids = ProbeController("pids", &r.why_not);
  while (!r.why_not.empty() && (r.why_not.back() == ' ' || r.why_not.back() == ';'))
    r.why_not.pop_back();
  return r;
}

StatusOr<std::unique_ptr<JailCgroup>> JailCgroup::Create(const CgroupRoots& roots) {
  std::unique_ptr<JailCgroup> cg(new JailCgroup());
  std::string name = "/rlzero-sbx-" + std::to_string(getpid()) + "-" + std::to_string(g_counter++);
  std::string mem = roots.memory + name;
  if (mkdir(mem.c_str(), 0755) != 0)
    return Internal("cgroup: mkdir " + mem + ": " + std::strerror(errno));
  cg->memory_ = mem;
  std::string pids = roots.pids + name;
  if (mkdir(pids.c_str(), 0755) != 0)
    return Internal("cgroup: mkdir " + pids + ": " + std::strerror(errno));
  cg->pids_ = pids;
  return cg;
}

JailCgroup::~JailCgroup() {
  if (!pids_.empty()) {
    // Normally empty by now; anything left is killed and waited out briefly.
    for (int i = 0; i < 100; ++i) {
      if (rmdir(pids_.c_str()) == 0 || errno != EBUSY) break;
      KillAll();
      usleep(1000);
    }
  }
  if (!memory_.empty()) {
    for (int i = 0; i < 100; ++i) {
      if (rmdir(memory_.c_str()) == 0 || errno != EBUSY) break;
      usleep(1000);
    }
  }
}

Status JailCgroup::Attach(pid_t pid) {
  RLZ_RETURN_IF_ERROR(WriteFile(memory_ + "/cgroup.procs", std::to_string(pid)));
  return WriteFile(pids_ + "/cgroup.procs", std::to_string(pid));
}

Status JailCgroup::SetLimits(int64_t memory_bytes, int64_t max_pids) {
  RLZ_RETURN_IF_ERROR(WriteFile(memory_ + "/memory.limit_in_bytes", std::to_string(memory_bytes)));
  // Swap accounting may be off (no memsw files): then the memory limit alone.
  struct stat st;
  std::string memsw = memory_ + "/memory.memsw.limit_in_bytes";
  if (stat(memsw.c_str(), &st) == 0)
    RLZ_RETURN_IF_ERROR(WriteFile(memsw, std::to_string(memory_bytes)));
  return WriteFile(pids_ + "/pids.max", std::to_string(max_pids));
}

bool JailCgroup::OomKilled() const {
  std::string s = ReadFile(memory_ + "/memory.oom_control");
  size_t at = s.find("oom_kill ");
  if (at == std::string::npos) return false;
  return std::atoll(s.c_str() + at + 9) > 0;
}

void JailCgroup::KillAll() const {
  std::stringstream ss(ReadFile(pids_ + "/cgroup.procs"));
  long pid;
  while (ss >> pid)
    if (pid > 1) kill(static_cast<pid_t>(pid), SIGKILL);
}

}  // namespace rlzero::sandbox::internal
