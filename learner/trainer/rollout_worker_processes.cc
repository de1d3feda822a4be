// learner/trainer/rollout_worker_processes.cc
#include "learner/trainer/rollout_worker_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace rlzero {

std::string SiblingRlzeroBinary() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "rlzero";
  buf[n] = '\0';
  std::string self = buf;
  return self.substr(0, self.rfind('/') + 1) + "rlzero";
}

RolloutWorkerProcesses::~RolloutWorkerProcesses() { StopAll(); }

StatusOr<pid_t> RolloutWorkerProcesses::Spawn(int index) {
  std::vector<std::string> args = {launch_.rlzero_binary,
                                   "rollout-worker",
                                   "--model",
                                   launch_.model_dir,
                                   "--learner",
                                   launch_.learner_address,
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--auth-token-file",
                                   launch_.auth_token_file,
                                   "--device",
                                   launch_.device,
                                   "--dtype",
                                   launch_.dtype,
                                   "--max-batch",
                                   std::to_string(launch_.max_batch),
                                   "--cuda-graphs",
                                   launch_.cuda_graphs,
                                   "--name",
                                   "worker-" + std::to_string(index)};
  std::string log = launch_.log_dir.empty()
                        ? ""
                        : launch_.log_dir + "/rollout-worker-" + std::to_string(index) + ".log";
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Internal(std::string("fork rollout worker: ") + std::strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);  // the learner died before prctl
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!log.empty()) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

Status RolloutWorkerProcesses::Start(int count) {
  for (int i = 0; i < count; ++i) {
    RLZ_ASSIGN_OR_RETURN(pid_t pid, Spawn(i));
    pids_.push_back(pid);
  }
  return Status::Ok();
}

int RolloutWorkerProcesses::RestartDead() {
  int restarted = 0;
  for (size_t i = 0; i < pids_.size(); ++i) {
    if (pids_[i] <= 0) continue;
    int status = 0;
    pid_t r = waitpid(pids_[i], &status, WNOHANG);
    if (r == pids_[i]) {
      auto pid = Spawn(static_cast<int>(i));
      pids_[i] = pid.ok() ? *pid : 0;
      restarted += pid.ok() ? 1 : 0;
    }
  }
  return restarted;
}

void RolloutWorkerProcesses::StopAll() {
  for (pid_t p : pids_)
    if (p > 0) kill(p, SIGTERM);
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (pid_t& p : pids_) {
    if (p <= 0) continue;
    while (waitpid(p, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > give_up) {
        kill(p, SIGKILL);
        waitpid(p, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    p = 0;
  }
}

}  // namespace rlzero
