// cli/bench_light_verify_code.cc: `rlzero bench verify-code`: code verifier
// runs per second on the HumanEval canonical solutions (each one: the
// nonce-marked harness, the solution and its check() in one sandbox run),
// with the baseline measured in the same run: sandbox runs per second of an
// empty Python program (the floor set by process start-up and isolation), so
// code_vs_baseline says what the harness and the tests cost on top. Runs
// --threads at once (default 2, the sandbox's default concurrency).
// The measurement itself is cli/bench_code_runs.h (shared with `rlzero bench
// verify`). Non-goals: math (see `rlzero bench verify`), MBPP.
#include <atomic>
#include <cstdio>

#include "cli/app.h"
#include "cli/bench_code_runs.h"
#include "cli/bench_registry.h"
#include "rewards/code_sandbox.h"
#include "sandbox/sandbox.h"
#include "verifiers/verifier.h"

namespace rlzero::cli {
namespace {

int RunBenchVerifyCode(int argc, char** argv) {
  CLI::App app{"code verifier runs/s on HumanEval canonical solutions vs empty sandbox runs",
               "rlzero bench verify-code"};
  std::string data = DefaultHumanEvalPath();
  int threads = 2;
  ConfigFlags config;
  app.add_option("--data", data, "HumanEval jsonl(.gz)");
  app.add_option("--threads", threads, "runs at once")->check(CLI::Range(1, 64));
  config.Add(app, /*required=*/false);
  return RunApp(app, argc, argv, [&]() -> int {
    const char* cmd = "rlzero bench verify-code";
    auto problems = LoadHumanEval(data);
    if (!problems.ok()) return ReportError(cmd, problems.status());
    auto reader = config.Load();
    if (!reader.ok()) return ReportError(cmd, reader.status());
    rewards::CodeSandbox code_sandbox(*reader);
    Status finish = reader->Finish();
    if (!finish.ok()) return ReportError(cmd, finish);
    Status st = code_sandbox.CreateIfNeeded(true);
    if (!st.ok()) return ReportError(cmd, st);
    if (code_sandbox.get() == nullptr)
      return ReportError(cmd, FailedPrecondition("no sandbox library linked into this binary"));

    size_t n = problems->size();
    std::atomic<int> empty_ok{0};
    double baseline = ParallelThroughput(n, threads, [&](size_t) {
      sandbox::RunRequest req;
      req.source = "pass\n";
      auto r = code_sandbox.get()->Run(req);
      if (r.ok() && r->status == sandbox::RunStatus::kOk) ++empty_ok;
    });
    auto code = MeasureCodeRuns(*problems, code_sandbox.get(), threads);
    if (!code.ok()) return ReportError(cmd, code.status());
    Json out;
    out["bench"] = "verify-code";
    out["data"] = data;
    out["threads"] = threads;
    out["code_problems"] = n;
    out["code_correct"] = code->correct;
    out["code_runs_per_s"] = code->runs_per_s;
    out["baseline"] = {{"name", "sandbox run of an empty python program"},
                       {"runs_per_s", baseline},
                       {"ok", empty_ok.load()}};
    out["code_vs_baseline"] = code->runs_per_s / baseline;
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

BenchRegistrar kVerifyCodeBench(
    "verify-code", "code verifier runs/s on HumanEval canonical solutions vs empty sandbox runs",
    RunBenchVerifyCode);

}  // namespace
}  // namespace rlzero::cli
