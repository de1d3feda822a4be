// cli/bench_light_sandbox.cc: `rlzero bench sandbox [--runs N]`: trivial
// Python runs per second through the sandbox at 1 and 2 concurrent callers,
// and the latency a run adds over bare `/usr/bin/python3 -c pass` (and over
// `/usr/bin/python3 -I -c pass`, the sandbox's own command line) measured in
// the same process, same run. Prints one JSON object. Targets (issue 6):
// >= 40 runs/s on 2 cores, <= 10 ms added latency.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "cli/app.h"
#include "cli/bench_registry.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_config.h"

extern char** environ;

namespace rlzero::cli {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Mean ms of running argv directly (posix_spawn + wait), n times.
double BareMs(std::vector<std::string> args, int n) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    pid_t pid;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
    int st;
    waitpid(pid, &st, 0);
  }
  return Ms(Clock::now() - t0) / n;
}

struct Phase {
  double runs_per_s = 0;
  double mean_latency_ms = 0;
  int failures = 0;
};

Phase RunPhase(sandbox::Sandbox& box, int threads, int runs) {
  std::atomic<int> next{0}, failures{0};
  std::atomic<int64_t> latency_us{0};
  sandbox::RunRequest req;
  req.source = "pass\n";
  req.time_limit_ms = 5000;
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      while (next++ < runs) {
        auto s = Clock::now();
        auto r = box.Run(req);
        latency_us += std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - s).count();
        if (!r.ok() || r->status != sandbox::RunStatus::kOk) ++failures;
      }
    });
  for (auto& t : ts) t.join();
  Phase p;
  double total_ms = Ms(Clock::now() - t0);
  p.runs_per_s = runs / (total_ms / 1000.0);
  p.mean_latency_ms = latency_us.load() / 1000.0 / runs;
  p.failures = failures;
  return p;
}

int RunBenchSandbox(int argc, char** argv) {
  CLI::App app{"sandbox runs/s and added latency over bare python3", "rlzero bench sandbox"};
  int runs = 100;
  ConfigFlags cfg;
  app.add_option("--runs", runs, "runs per phase")->check(CLI::Range(1, 100000));
  cfg.Add(app, false);
  return RunApp(app, argc, argv, [&]() -> int {
    auto reader = cfg.Load();
    if (!reader.ok()) return ReportError("bench sandbox", reader.status());
    ConfigReader section = reader->Section("sandbox");
    sandbox::SandboxConfig config = sandbox::SandboxConfig::FromConfig(section);
    Status st = reader->Finish();
    if (!st.ok()) return ReportError("bench sandbox", st);
    auto box = sandbox::CreateSandbox(config);
    if (!box.ok()) return ReportError("bench sandbox", box.status());
    RunPhase(**box, 1, std::min(runs, 10));  // warm-up: page cache, pool
    double bare = BareMs({"/usr/bin/python3", "-c", "pass"}, runs);
    double bare_flags = BareMs({"/usr/bin/python3", "-I", "-c", "pass"}, runs);
    Phase c1 = RunPhase(**box, 1, runs);
    Phase c2 = RunPhase(**box, 2, runs);
    Json j;
    j["bench"] = "sandbox";
    j["runs_per_phase"] = runs;
    j["cores"] = std::thread::hardware_concurrency();
    j["isolation"] = config.isolation;
    j["max_concurrency"] = config.max_concurrency;
    j["prefork"] = config.prefork;
    j["runs_per_s_1"] = c1.runs_per_s;
    j["runs_per_s_2"] = c2.runs_per_s;
    j["latency_ms_1"] = c1.mean_latency_ms;
    j["latency_ms_2"] = c2.mean_latency_ms;
    j["baseline_bare_python_ms"] = bare;
    j["baseline_python_dash_I_ms"] = bare_flags;
    j["added_latency_ms"] = c1.mean_latency_ms - bare;
    j["added_latency_vs_same_flags_ms"] = c1.mean_latency_ms - bare_flags;
    j["failures"] = c1.failures + c2.failures;
    j["targets"] = {{"runs_per_s", 40}, {"added_latency_ms", 10}};
    std::cout << j.dump() << "\n";
    return c1.failures + c2.failures == 0 ? 0 : 1;
  });
}

BenchRegistrar kReg("sandbox", "trivial Python runs/s at 1 and 2 concurrent, added latency over bare python3",
                    RunBenchSandbox);

}  // namespace
}  // namespace rlzero::cli
