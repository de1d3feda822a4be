// tests/sandbox/host_watch.cc: host-side checks for the attack suite.
#include "host_watch.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rlzero::testing {

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<std::string> MarkerFiles(const std::string& marker) {
  std::vector<std::string> dirs = {"/tmp", "/root", "/dev/shm", "/", RLZERO_SOURCE_DIR};
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) dirs.push_back(cwd);
  std::vector<std::string> found;
  for (const auto& d : dirs) {
    DIR* dir = opendir(d.c_str());
    if (!dir) continue;
    while (dirent* e = readdir(dir))
      if (std::strstr(e->d_name, marker.c_str())) found.push_back(d + "/" + e->d_name);
    closedir(dir);
  }
  return found;
}

std::vector<pid_t> MarkerProcesses(const std::string& marker) {
  std::vector<pid_t> found;
  DIR* dir = opendir("/proc");
  if (!dir) return found;
  while (dirent* e = readdir(dir)) {
    char* end;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    std::string base = std::string("/proc/") + e->d_name;
    std::string stat = ReadAll(base + "/stat");
    size_t rp = stat.rfind(')');
    if (rp != std::string::npos && rp + 2 < stat.size() && stat[rp + 2] == 'Z') continue;  // dead
    if (ReadAll(base + "/cmdline").find(marker) != std::string::npos ||
        ReadAll(base + "/environ").find(marker) != std::string::npos)
      found.push_back(static_cast<pid_t>(pid));
  }
  closedir(dir);
  return found;
}

LoopbackServer::LoopbackServer() {
  tcp_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(tcp_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(tcp_fd_, 16);
  socklen_t len = sizeof a;
  getsockname(tcp_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);

  abstract_name_ = "rlzero-attack-" + std::to_string(getpid());
  unix_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un u{};
  u.sun_family = AF_UNIX;
  std::memcpy(u.sun_path + 1, abstract_name_.data(), abstract_name_.size());
  bind(unix_fd_, reinterpret_cast<sockaddr*>(&u),
       static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + abstract_name_.size()));
  listen(unix_fd_, 16);
  if (pipe2(stop_pipe_, O_CLOEXEC) != 0) std::abort();
  thread_ = std::thread([this] {
    for (;;) {
      pollfd p[3] = {{tcp_fd_, POLLIN, 0}, {unix_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (poll(p, 3, -1) < 0) continue;
      if (p[2].revents) return;
      for (int i = 0; i < 2; ++i)
        if (p[i].revents & POLLIN) {
          int c = accept4(p[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
          if (c >= 0) {
            ++connections_;
            close(c);
          }
        }
    }
  });
}

LoopbackServer::~LoopbackServer() {
  if (write(stop_pipe_[1], "x", 1) != 1) std::abort();
  thread_.join();
  close(tcp_fd_);
  close(unix_fd_);
  close(stop_pipe_[0]);
  close(stop_pipe_[1]);
}

Sentinel::Sentinel(const std::string& marker) {
  std::string name = "sentinel-" + marker;
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execl("/bin/sleep", name.c_str(), "3600", static_cast<char*>(nullptr));
    _exit(127);
  }
}

Sentinel::~Sentinel() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool Sentinel::Alive() const {
  if (pid_ <= 0 || kill(pid_, 0) != 0) return false;
  int st;
  return waitpid(pid_, &st, WNOHANG) == 0;  // not exited
}

}  // namespace rlzero::testing
