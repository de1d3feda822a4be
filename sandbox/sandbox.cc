// sandbox/sandbox.cc: the Sandbox implementation: request validation, a
// concurrency limit with a bounded queue, and a pool of pre-spawned jails
// (namespaces created, root built, init waiting for its request) kept full by
// one spawner thread, so a run only pays for sending the program, running it
// and killing the jail.
#include "sandbox/sandbox.h"

#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "sandbox/jail_host.h"
#include "sandbox/sandbox_config.h"

namespace rlzero::sandbox {

const char* RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kOk:
      return "ok";
    case RunStatus::kRuntimeError:
      return "runtime_error";
    case RunStatus::kTimeout:
      return "timeout";
    case RunStatus::kMemoryLimit:
      return "memory_limit";
    case RunStatus::kOutputLimit:
      return "output_limit";
    case RunStatus::kSignal:
      return "signal";
    case RunStatus::kSandboxError:
      return "sandbox_error";
  }
  return "sandbox_error";
}

namespace {

using internal::Jail;
using internal::JailFactory;

class PooledSandbox : public Sandbox {
 public:
  explicit PooledSandbox(std::unique_ptr<JailFactory> factory)
      : factory_(std::move(factory)), spawner_([this] { SpawnerLoop(); }) {}

  ~PooledSandbox() override {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    spawner_cv_.notify_all();
    cv_.notify_all();
    spawner_.join();
    std::lock_guard<std::mutex> lk(mu_);
    ready_.clear();  // kills and reaps the waiting jails
  }

  StatusOr<RunResult> Run(const RunRequest& req) override {
    const SandboxConfig& c = factory_->config();
    int lang = factory_->LanguageIndex(req.language);
    if (lang < 0) {
      std::string known;
      for (const auto& [name, spec] : c.languages) known += (known.empty() ? "" : ", ") + name;
      return InvalidArgument("sandbox: unknown language '" + req.language +
                             "' (configured: " + known + ")");
    }
    if (req.time_limit_ms < 1 || req.time_limit_ms > c.max_time_limit_ms)
      return InvalidArgument("sandbox: time_limit_ms " + std::to_string(req.time_limit_ms) +
                             " not in [1, " + std::to_string(c.max_time_limit_ms) + "]");
    if (req.memory_limit_mb < 1 || req.memory_limit_mb > c.max_memory_limit_mb)
      return InvalidArgument("sandbox: memory_limit_mb " + std::to_string(req.memory_limit_mb) +
                             " not in [1, " + std::to_string(c.max_memory_limit_mb) + "]");
    if (req.output_limit_kb < 1 || req.output_limit_kb > c.max_output_limit_kb)
      return InvalidArgument("sandbox: output_limit_kb " + std::to_string(req.output_limit_kb) +
                             " not in [1, " + std::to_string(c.max_output_limit_kb) + "]");
    if (static_cast<int64_t>(req.source.size()) > c.max_source_bytes)
      return InvalidArgument("sandbox: source is " + std::to_string(req.source.size()) +
                             " bytes, over max_source_bytes " + std::to_string(c.max_source_bytes));
    if (static_cast<int64_t>(req.stdin_data.size()) > c.max_stdin_bytes)
      return InvalidArgument("sandbox: stdin is " + std::to_string(req.stdin_data.size()) +
                             " bytes, over max_stdin_bytes " + std::to_string(c.max_stdin_bytes));

    std::unique_lock<std::mutex> lk(mu_);
    if (running_ >= c.max_concurrency) {
      if (queued_ >= c.max_queue)
        return ResourceExhausted("sandbox: queue full (" + std::to_string(c.max_queue) +
                                 " waiting)");
      ++queued_;
      cv_.wait(lk, [&] { return running_ < c.max_concurrency || stop_; });
      --queued_;
    }
    ++running_;
    ++waiting_for_jail_;
    spawner_cv_.notify_one();
    uint64_t seq = spawn_error_seq_;
    cv_.wait(lk, [&] { return !ready_.empty() || spawn_error_seq_ != seq || stop_; });
    --waiting_for_jail_;
    std::unique_ptr<Jail> jail;
    if (!ready_.empty()) {
      jail = std::move(ready_.front());
      ready_.pop_front();
    }
    std::string spawn_error = stop_ ? "sandbox shutting down" : spawn_error_;
    lk.unlock();
    spawner_cv_.notify_one();  // refill the pool

    RunResult result;
    if (jail) {
      result = jail->Execute(req, lang);
      jail.reset();  // kill and reap before the slot is released
    } else {
      result.status = RunStatus::kSandboxError;
      result.error = spawn_error;
      result.isolated = factory_->isolated();
    }
    if (!factory_->isolated())
      std::fprintf(stderr,
                   "rlzero sandbox: WARNING: rlimits-only mode: this run was NOT isolated "
                   "(no namespaces; the program could see and touch the host)\n");
    lk.lock();
    --running_;
    lk.unlock();
    cv_.notify_all();
    return result;
  }

 private:
  void SpawnerLoop() {
    const int prefork = factory_->config().prefork;
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      spawner_cv_.wait(lk, [&] {
        return stop_ || static_cast<int>(ready_.size()) < prefork + waiting_for_jail_;
      });
      if (stop_) return;
      lk.unlock();
      auto jail = factory_->Spawn();
      lk.lock();
      if (jail.ok()) {
        ready_.push_back(std::move(jail).value());
      } else {
        spawn_error_ = jail.status().message();
        ++spawn_error_seq_;
        cv_.notify_all();
        lk.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // do not spin on a broken host
        lk.lock();
        continue;
      }
      cv_.notify_all();
    }
  }

  std::unique_ptr<JailFactory> factory_;
  std::mutex mu_;
  std::condition_variable cv_;          // slots freed, jails ready, spawn errors
  std::condition_variable spawner_cv_;  // the pool needs a jail
  int running_ = 0;
  int queued_ = 0;
  int waiting_for_jail_ = 0;
  std::deque<std::unique_ptr<Jail>> ready_;
  std::string spawn_error_;
  uint64_t spawn_error_seq_ = 0;
  bool stop_ = false;
  std::thread spawner_;  // last: started once the members above exist
};

}  // namespace

StatusOr<std::unique_ptr<Sandbox>> CreateSandbox(const SandboxConfig& config) {
  // Writes to a pipe whose reader is gone must fail with EPIPE, not kill us.
  struct sigaction old;
  if (sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) signal(SIGPIPE, SIG_IGN);
  RLZ_ASSIGN_OR_RETURN(auto factory, JailFactory::Create(config));
  return std::unique_ptr<Sandbox>(new PooledSandbox(std::move(factory)));
}

}  // namespace rlzero::sandbox
