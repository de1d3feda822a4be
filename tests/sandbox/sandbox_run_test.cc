// tests/sandbox/sandbox_run_test.cc: the sandbox runs real programs and
// classifies their outcomes (python and cpp, stdin, limits, concurrency,
// request validation). Expected outputs are what the programs print by
// construction (arithmetic on their input), not recorded runs.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/sandbox.h"
#include "sandbox/sandbox_config.h"

namespace rlzero::sandbox {
namespace {

Sandbox& Box() {
  static std::unique_ptr<Sandbox> box = [] {
    SandboxConfig c;
    auto b = CreateSandbox(c);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? std::move(b).value() : nullptr;
  }();
  return *box;
}

RunResult RunPy(const std::string& src, const std::string& in = "", int64_t time_ms = 2000,
                int64_t mem_mb = 256, int64_t out_kb = 1024) {
  RunRequest r;
  r.language = "python";
  r.source = src;
  r.stdin_data = in;
  r.time_limit_ms = time_ms;
  r.memory_limit_mb = mem_mb;
  r.output_limit_kb = out_kb;
  auto res = Box().Run(r);
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  return res.ok() ? *res : RunResult{};
}

TEST(SandboxRunTest, PythonEchoesStdinArithmetic) {
  RunResult r = RunPy("import sys\nn=[int(x) for x in sys.stdin.read().split()]\nprint(sum(n))\n",
                      "1 2 3 4\n");
  EXPECT_EQ(r.status, RunStatus::kOk) << r.stderr_data << r.error;
  EXPECT_EQ(r.stdout_data, "10\n");
  EXPECT_TRUE(r.isolated);
  EXPECT_GT(r.max_rss_kb, 0);
}

TEST(SandboxRunTest, HumanEvalStyleProgramWithStdlibRuns) {
  // Shape of a HumanEval candidate + check: stdlib imports, asserts, exit().
  RunResult r = RunPy(
      "import math, re, collections, itertools, functools, heapq, hashlib, json, string\n"
      "from typing import List\n"
      "def has_close_elements(numbers: List[float], threshold: float) -> bool:\n"
      "    return any(abs(a-b) < threshold for i,a in enumerate(numbers) for b in numbers[i+1:])\n"
      "def check(c):\n"
      "    assert c([1.0, 2.0, 3.9, 4.0], 0.3)\n"
      "    assert not c([1.0, 2.0, 3.0], 0.5)\n"
      "check(has_close_elements)\n"
      "print(hashlib.md5(b'abc').hexdigest())\n"
      "exit(0)\n");
  EXPECT_EQ(r.status, RunStatus::kOk) << r.stderr_data << r.error;
  EXPECT_EQ(r.stdout_data, "900150983cd24fb0d6963f7d28e17f72\n");  // RFC 1321 test vector
}

TEST(SandboxRunTest, FailedAssertIsRuntimeError) {
  RunResult r = RunPy("assert 1 == 2, 'nope'\n");
  EXPECT_EQ(r.status, RunStatus::kRuntimeError);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.stderr_data.find("AssertionError: nope"), std::string::npos);
}

TEST(SandboxRunTest, ExitCodeIsReported) {
  RunResult r = RunPy("import sys\nsys.exit(42)\n");
  EXPECT_EQ(r.status, RunStatus::kRuntimeError);
  EXPECT_EQ(r.exit_code, 42);
}

TEST(SandboxRunTest, SignalIsReported) {
  RunResult r = RunPy("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n");
  EXPECT_EQ(r.status, RunStatus::kSignal);
  EXPECT_EQ(r.signal, SIGSEGV);
}

TEST(SandboxRunTest, WallTimeout) {
  RunResult r = RunPy("import time\ntime.sleep(30)\n", "", 500);
  EXPECT_EQ(r.status, RunStatus::kTimeout);
  EXPECT_GE(r.wall_ms, 500);
}

TEST(SandboxRunTest, MemoryLimit) {
  RunResult r = RunPy("x = bytearray(400 * 1024 * 1024)\n", "", 2000, 128);
  EXPECT_EQ(r.status, RunStatus::kMemoryLimit) << r.stderr_data;
}

TEST(SandboxRunTest, OutputCapKeepsPartialOutput) {
  RunResult r =
      RunPy("import sys\nsys.stdout.write('a' * 100000)\nsys.stdout.flush()\n", "", 2000, 256, 4);
  EXPECT_EQ(r.status, RunStatus::kOutputLimit);
  EXPECT_EQ(r.stdout_data, std::string(4096, 'a'));
}

TEST(SandboxRunTest, CppCompilesAndRuns) {
  RunRequest req;
  req.language = "cpp";
  req.source =
      "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a*b<<\"\\n\";}\n";
  req.stdin_data = "6 7\n";
  auto r = Box().Run(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, RunStatus::kOk) << r->stderr_data << r->error;
  EXPECT_EQ(r->stdout_data, "42\n");
}

TEST(SandboxRunTest, CppCompileErrorIsRuntimeErrorWithDiagnostics) {
  RunRequest req;
  req.language = "cpp";
  req.source = "int main() { return undefined_name; }\n";
  auto r = Box().Run(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, RunStatus::kRuntimeError);
  EXPECT_NE(r->stderr_data.find("undefined_name"), std::string::npos);
}

TEST(SandboxRunTest, RejectsBadRequests) {
  RunRequest r;
  r.language = "cobol";
  auto res = Box().Run(r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(res.status().message().find("cobol"), std::string::npos);
  r.language = "python";
  r.time_limit_ms = 0;
  EXPECT_EQ(Box().Run(r).status().code(), StatusCode::kInvalidArgument);
  r.time_limit_ms = 1000;
  r.memory_limit_mb = 1 << 30;
  EXPECT_EQ(Box().Run(r).status().code(), StatusCode::kInvalidArgument);
}

TEST(SandboxRunTest, ConcurrentRunsAreIndependent) {
  std::vector<std::thread> ts;
  std::atomic<int> good{0};
  for (int i = 0; i < 6; ++i)
    ts.emplace_back([&, i] {
      RunResult r = RunPy("import sys\nprint(int(sys.stdin.read()) ** 2)\n", std::to_string(i));
      if (r.status == RunStatus::kOk && r.stdout_data == std::to_string(i * i) + "\n") ++good;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(good.load(), 6);
}

// RLIMIT_NPROC counts per user namespace, so jails sharing host uid 65534 do
// not share a process budget; within a jail init + python + children <= limit.
const char kForker[] =
    "import os, time\nn = 0\nfor i in range(30):\n    try:\n"
    "        if os.fork() == 0:\n            time.sleep(1); os._exit(0)\n"
    "        n += 1\n    except OSError:\n        break\ntime.sleep(0.5)  # overlap with the other "
    "jails\nprint(n)\n";

TEST(SandboxRunTest, ProcessLimitHoldsWithoutCgroups) {
  SandboxConfig c;
  c.cgroup = "off";
  c.prefork = 0;
  c.max_processes = 20;
  auto b = CreateSandbox(c);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  RunRequest r;
  r.source = kForker;
  auto res = (*b)->Run(r);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->stdout_data, "18\n");  // 20 - init - python
}

TEST(SandboxRunTest, ProcessLimitIsPerJail) {
  SandboxConfig c;
  c.cgroup = "off";
  c.max_concurrency = 3;
  c.max_processes = 40;
  auto b = CreateSandbox(c);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  std::atomic<int> full{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i)
    ts.emplace_back([&] {
      RunRequest r;
      r.source = kForker;
      auto res = (*b)->Run(r);
      if (res.ok() && res->stdout_data == "30\n") ++full;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(full.load(), 3);  // 3 x 32 tasks at once, over 40 if it were shared
}

TEST(SandboxRunTest, UnavailableLanguageBinaryIsSandboxError) {
  SandboxConfig c;
  c.prefork = 0;
  c.languages["ghost"] = LanguageSpec{"main.x", {}, {"/usr/bin/does-not-exist-rlzero"}};
  auto b = CreateSandbox(c);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  RunRequest r;
  r.language = "ghost";
  auto res = (*b)->Run(r);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, RunStatus::kSandboxError);
  EXPECT_NE(res->error.find("executing the command"), std::string::npos) << res->error;
}

TEST(SandboxRunTest, RlimitsOnlyModeSaysSo) {
  SandboxConfig c;
  c.isolation = "rlimits_only";
  c.prefork = 0;
  auto b = CreateSandbox(c);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  RunRequest r;
  r.source = "print(6*7)\n";
  auto res = (*b)->Run(r);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, RunStatus::kOk) << res->stderr_data << res->error;
  EXPECT_EQ(res->stdout_data, "42\n");
  EXPECT_FALSE(res->isolated);
}

}  // namespace
}  // namespace rlzero::sandbox
