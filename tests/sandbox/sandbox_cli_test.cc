// tests/sandbox/sandbox_cli_test.cc: the `rlzero sandbox run` and
// `rlzero sandbox-server` contracts, through real processes.
#include <gtest/gtest.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

using testing::BinPath;
using testing::RunCommand;

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(SandboxCliTest, RunPrintsExactlyTheContractFields) {
  std::string prog =
      WriteTemp("cli_prog.py", "import sys\nprint(sys.stdin.read()[::-1])\nsys.exit(4)\n");
  std::string in = WriteTemp("cli_in.txt", "abc");
  auto r = RunCommand(BinPath("rlzero") + " sandbox run --lang python " + prog + " --stdin " + in +
                      " --time-limit-ms 3000 --memory-limit-mb 256 --output-limit-kb 64");
  EXPECT_EQ(r.exit_code, 0) << r.err;  // the program failed; the sandbox worked
  auto j = nlohmann::json::parse(r.out);
  std::set<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
  EXPECT_EQ(keys, (std::set<std::string>{"status", "exit_code", "signal", "stdout", "stderr",
                                         "wall_ms", "cpu_ms", "max_rss_kb"}));
  EXPECT_EQ(j["status"], "runtime_error");
  EXPECT_EQ(j["exit_code"], 4);
  EXPECT_EQ(j["stdout"], "cba\n");
}

TEST(SandboxCliTest, TimeoutStillExitsZero) {
  std::string prog = WriteTemp("cli_loop.py", "while True: pass\n");
  auto r =
      RunCommand(BinPath("rlzero") + " sandbox run --lang python " + prog + " --time-limit-ms 300");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["status"], "timeout");
}

TEST(SandboxCliTest, BadArgumentsExitTwo) {
  std::string prog = WriteTemp("cli_ok.py", "pass\n");
  EXPECT_EQ(
      RunCommand(BinPath("rlzero") + " sandbox run --lang python /nonexistent/x.py").exit_code, 2);
  EXPECT_EQ(RunCommand(BinPath("rlzero") + " sandbox run --lang cobol " + prog).exit_code, 2);
  EXPECT_EQ(
      RunCommand(BinPath("rlzero") + " sandbox run --lang python " + prog + " --bogus").exit_code,
      2);
  EXPECT_EQ(
      RunCommand(BinPath("rlzero") + " sandbox run --lang python " + prog + " --time-limit-ms 0")
          .exit_code,
      2);
  EXPECT_EQ(RunCommand(BinPath("rlzero") + " sandbox run --lang python " + prog +
                       " --set sandbox.no_such_key=1")
                .exit_code,
            2);
}

TEST(SandboxCliTest, RlimitsOnlyModeSaysSoOnStderrAndInJson) {
  std::string prog = WriteTemp("cli_rl.py", "print(7)\n");
  auto r = RunCommand(BinPath("rlzero") + " sandbox run --lang python " + prog +
                      " --set sandbox.isolation=rlimits_only");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["isolation"], "rlimits_only");
  EXPECT_EQ(j["stdout"], "7\n");
  EXPECT_NE(r.err.find("NOT isolated"), std::string::npos) << r.err;
}

TEST(SandboxCliTest, ServerStartsOnLoopbackAndStopsOnSigint) {
  auto r = RunCommand("timeout --preserve-status -s INT 2 " + BinPath("rlzero") +
                      " sandbox-server --listen 127.0.0.1:0");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["listening"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
  EXPECT_NE(r.err.find("shutting down"), std::string::npos);
}

// Runs `rlzero sandbox run` in a child whose seccomp filter refuses user
// namespaces, as Docker's default profile does.
TEST(SandboxCliTest, ForbiddenNamespacesFailNamingWhatIsMissing) {
  std::string prog = WriteTemp("cli_ns.py", "print(1)\n");
  std::string err_path = ::testing::TempDir() + "cli_ns.err";
  pid_t pid = fork();
  if (pid == 0) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
                     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    if (seccomp_load(ctx) != 0) _exit(99);
    if (!freopen(err_path.c_str(), "w", stderr) || !freopen("/dev/null", "w", stdout)) _exit(98);
    std::string bin = BinPath("rlzero");
    execl(bin.c_str(), bin.c_str(), "sandbox", "run", "--lang", "python", prog.c_str(),
          static_cast<char*>(nullptr));
    _exit(97);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 1);
  std::ifstream in(err_path);
  std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(err.find("user namespaces are not available"), std::string::npos) << err;
  EXPECT_NE(err.find("rlimits_only"), std::string::npos) << err;  // the explicit way out
}

}  // namespace
}  // namespace rlzero
