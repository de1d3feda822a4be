// tests/sandbox/host_watch.h: what the attack suite checks on the host after
// each attack. Test-only.
//
//   - MarkerFiles: entries whose name holds the attack's marker in the
//     watched dirs (/tmp, /root, /dev/shm, the cwd, the source tree, /).
//   - MarkerProcesses: live processes whose argv or environment holds it
//     (read from /proc as the host sees it).
//   - LoopbackServer: TCP on 127.0.0.1 and an abstract unix socket, counting
//     every connection they ever accept.
//   - Sentinel: a child process of the test that must stay alive.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace rlzero::testing {

std::vector<std::string> MarkerFiles(const std::string& marker);
std::vector<pid_t> MarkerProcesses(const std::string& marker);

class LoopbackServer {
 public:
  LoopbackServer();
  ~LoopbackServer();
  int port() const { return port_; }
  const std::string& abstract_name() const { return abstract_name_; }
  int connections() const { return connections_.load(); }

 private:
  int tcp_fd_ = -1, unix_fd_ = -1, stop_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::string abstract_name_;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

class Sentinel {
 public:
  explicit Sentinel(const std::string& marker);  // argv[0] of the child holds marker
  ~Sentinel();
  bool Alive() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace rlzero::testing
