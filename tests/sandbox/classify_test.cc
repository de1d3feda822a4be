// tests/sandbox/classify_test.cc: outcome rules of sandbox/classify.h, with
// wait statuses built by the kernel's own encoding (W_EXITCODE / signal in
// the low 7 bits), not taken from our runs.
#include "sandbox/classify.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

namespace rlzero::sandbox {
namespace {

int Exited(int code) { return W_EXITCODE(code, 0); }
int Killed(int sig) { return sig; }  // termsig in the low 7 bits, no core flag

RunResult ClassifyOf(const Observation& obs, const std::string& err = "") {
  RunResult r;
  r.stderr_data = err;
  Classify(obs, &r);
  return r;
}

Observation Ended(int wait_status) {
  Observation o;
  o.step_ended = true;
  o.wait_status = wait_status;
  o.cpu_limit_ms = 2000;
  o.memory_error_markers = {"MemoryError"};
  return o;
}

TEST(ClassifyTest, ExitZeroIsOk) { EXPECT_EQ(ClassifyOf(Ended(Exited(0))).status, RunStatus::kOk); }

TEST(ClassifyTest, NonZeroExitIsRuntimeErrorWithCode) {
  RunResult r = ClassifyOf(Ended(Exited(3)));
  EXPECT_EQ(r.status, RunStatus::kRuntimeError);
  EXPECT_EQ(r.exit_code, 3);
}

TEST(ClassifyTest, SignalCarriesTheSignal) {
  RunResult r = ClassifyOf(Ended(Killed(SIGSEGV)));
  EXPECT_EQ(r.status, RunStatus::kSignal);
  EXPECT_EQ(r.signal, SIGSEGV);
  Observation core = Ended(Killed(SIGABRT) | 0x80);  // WCOREDUMP bit
  EXPECT_EQ(ClassifyOf(core).signal, SIGABRT);
}

TEST(ClassifyTest, CpuLimitIsTimeout) {
  EXPECT_EQ(ClassifyOf(Ended(Killed(SIGXCPU))).status, RunStatus::kTimeout);
  Observation o = Ended(Killed(SIGKILL));
  o.cpu_ms = 2000;  // hard RLIMIT_CPU reached
  EXPECT_EQ(ClassifyOf(o).status, RunStatus::kTimeout);
  o.cpu_ms = 10;  // a SIGKILL well under the CPU limit is just a signal
  EXPECT_EQ(ClassifyOf(o).status, RunStatus::kSignal);
}

TEST(ClassifyTest, WallTimeoutWinsOverExitStatus) {
  Observation o;
  o.wall_timeout = true;
  EXPECT_EQ(ClassifyOf(o).status, RunStatus::kTimeout);
}

TEST(ClassifyTest, OutputLimitWinsOverTimeout) {
  Observation o;
  o.wall_timeout = true;
  o.output_exceeded = true;
  EXPECT_EQ(ClassifyOf(o).status, RunStatus::kOutputLimit);
}

TEST(ClassifyTest, MemoryMarkerOnFailedRunIsMemoryLimit) {
  EXPECT_EQ(ClassifyOf(Ended(Exited(1)), "Traceback...\nMemoryError\n").status,
            RunStatus::kMemoryLimit);
  // A successful run that merely prints the word stays ok.
  EXPECT_EQ(ClassifyOf(Ended(Exited(0)), "MemoryError").status, RunStatus::kOk);
}

TEST(ClassifyTest, CgroupOomIsMemoryLimit) {
  Observation o = Ended(Killed(SIGKILL));
  o.cgroup_oom = true;
  EXPECT_EQ(ClassifyOf(o).status, RunStatus::kMemoryLimit);
}

TEST(ClassifyTest, SandboxFailureWinsAndKeepsTheReason) {
  Observation o = Ended(Exited(0));
  o.sandbox_failed = true;
  o.sandbox_error = "jail setup failed while mounting a fresh /proc: Operation not permitted";
  RunResult r = ClassifyOf(o);
  EXPECT_EQ(r.status, RunStatus::kSandboxError);
  EXPECT_EQ(r.error, o.sandbox_error);
}

TEST(ClassifyTest, MissingEndReportIsSandboxError) {
  Observation o;
  EXPECT_EQ(ClassifyOf(o).status, RunStatus::kSandboxError);
}

TEST(ClassifyTest, FailedCompileIsRuntimeError) {
  Observation o = Ended(Exited(1));
  o.compile_step = true;
  RunResult r = ClassifyOf(o);
  EXPECT_EQ(r.status, RunStatus::kRuntimeError);
  EXPECT_EQ(r.exit_code, 1);
}

TEST(ClassifyTest, StatusNamesMatchTheContract) {
  EXPECT_STREQ(RunStatusName(RunStatus::kOk), "ok");
  EXPECT_STREQ(RunStatusName(RunStatus::kRuntimeError), "runtime_error");
  EXPECT_STREQ(RunStatusName(RunStatus::kTimeout), "timeout");
  EXPECT_STREQ(RunStatusName(RunStatus::kMemoryLimit), "memory_limit");
  EXPECT_STREQ(RunStatusName(RunStatus::kOutputLimit), "output_limit");
  EXPECT_STREQ(RunStatusName(RunStatus::kSignal), "signal");
  EXPECT_STREQ(RunStatusName(RunStatus::kSandboxError), "sandbox_error");
}

}  // namespace
}  // namespace rlzero::sandbox
