// tests/sandbox/host_watch_test.cc: the attack suite's host checks can fail:
// each one sees a planted file, process, connection or dead sentinel.
#include "host_watch.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace rlzero::testing {
namespace {

TEST(HostWatchTest, SeesAMarkedFileInTmp) {
  std::string marker = "rlzwatch" + std::to_string(getpid());
  std::string path = "/tmp/x-" + marker;
  std::ofstream(path) << "x";
  EXPECT_EQ(MarkerFiles(marker), std::vector<std::string>{path});
  std::remove(path.c_str());
  EXPECT_TRUE(MarkerFiles(marker).empty());
}

TEST(HostWatchTest, SeesAMarkedProcess) {
  std::string marker = "rlzwatchproc" + std::to_string(getpid());
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sleep", marker.c_str(), "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::vector<pid_t> found;
  for (int i = 0; i < 200 && found.empty(); ++i) {  // until the exec happened
    found = MarkerProcesses(marker);
    if (found.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(found, std::vector<pid_t>{pid});
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_TRUE(MarkerProcesses(marker).empty());
}

TEST(HostWatchTest, ServerCountsConnectionsAndSentinelDies) {
  LoopbackServer server;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(server.port()));
  ASSERT_EQ(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  close(s);
  for (int i = 0; i < 200 && server.connections() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(server.connections(), 1);

  Sentinel sentinel("rlzwatchsentinel");
  EXPECT_TRUE(sentinel.Alive());
  kill(sentinel.pid(), SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(sentinel.Alive());
}

}  // namespace
}  // namespace rlzero::testing
