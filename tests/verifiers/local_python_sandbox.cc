// tests/verifiers/local_python_sandbox.cc: fork/exec python3 with files for
// stdin/stdout/stderr (no pipe deadlocks), poll for exit, kill on timeout.
#include "tests/verifiers/local_python_sandbox.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace rlzero::testing {

const char* PythonPath() {
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

namespace {
std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
}  // namespace

StatusOr<sandbox::RunResult> LocalPythonSandbox::Run(const sandbox::RunRequest& req) {
  if (req.language != "python") return InvalidArgument("local sandbox: only python");
  char dir_tmpl[] = "/tmp/rlz_localsb_XXXXXX";
  if (mkdtemp(dir_tmpl) == nullptr) return Internal("local sandbox: mkdtemp failed");
  std::string dir = dir_tmpl;
  std::ofstream(dir + "/prog.py", std::ios::binary) << req.source;
  std::ofstream(dir + "/stdin", std::ios::binary) << req.stdin_data;
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int in = open((dir + "/stdin").c_str(), O_RDONLY);
    int out = open((dir + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open((dir + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::string prog = dir + "/prog.py";
    execl(PythonPath(), "python3", "-I", prog.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  sandbox::RunResult r;
  int status = 0;
  bool timed_out = false;
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    if (ms > req.time_limit_ms) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  r.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  r.stdout_data = ReadAll(dir + "/stdout");
  r.stderr_data = ReadAll(dir + "/stderr");
  if (timed_out) {
    r.status = sandbox::RunStatus::kTimeout;
  } else if (WIFSIGNALED(status)) {
    r.status = sandbox::RunStatus::kSignal;
    r.signal = WTERMSIG(status);
  } else {
    r.exit_code = WEXITSTATUS(status);
    r.status = r.exit_code == 0 ? sandbox::RunStatus::kOk : sandbox::RunStatus::kRuntimeError;
  }
  std::string cmd = "rm -rf '" + dir + "'";
  (void)std::system(cmd.c_str());
  return r;
}

}  // namespace rlzero::testing
