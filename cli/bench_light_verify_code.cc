// cli/bench_light_verify_code.cc: `rlzero bench verify-code`: code verifier
// runs per second on the HumanEval canonical solutions (each one: the
// nonce-marked harness, the solution and its check() in one sandbox run),
// with the baseline measured in the same run: sandbox runs per second of an
// empty Python program (the floor set by process start-up and isolation), so
// code_vs_baseline says what the harness and the tests cost on top. Runs
// --threads at once (default 2, the sandbox's default concurrency).
// Non-goals: math (see `rlzero bench verify`), MBPP.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/app.h"
#include "cli/bench_registry.h"
#include "rewards/code_sandbox.h"
#include "sandbox/sandbox.h"
#include "verifiers/verifier.h"

namespace rlzero::cli {
namespace {

StatusOr<std::vector<Json>> LoadHumanEval(const std::string& path) {
  std::string cmd = "gzip -dc '" + path + "' 2>/dev/null";
  if (path.size() < 3 || path.substr(path.size() - 3) != ".gz") cmd = "cat '" + path + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return Internal("cannot run: " + cmd);
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  pclose(p);
  std::vector<Json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("prompt") || !j.contains("canonical_solution"))
      return InvalidArgument(path +
                             ": not HumanEval jsonl (prompt, canonical_solution, test, "
                             "entry_point)");
    Json s = {{"response", "```python\n" + j["prompt"].get<std::string>() +
                               j["canonical_solution"].get<std::string>() + "\n```"},
              {"test", j["test"]},
              {"entry_point", j["entry_point"]}};
    out.push_back(std::move(s));
  }
  if (out.empty()) return NotFound(path + ": no problems (pass --data PATH)");
  return out;
}

// Calls fn(i) for i in [0, n) on `threads` threads; returns calls per second.
template <typename Fn>
double Throughput(size_t n, int threads, Fn fn) {
  auto start = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < n;) fn(i);
    });
  for (auto& th : pool) th.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(n) / s;
}

int RunBenchVerifyCode(int argc, char** argv) {
  CLI::App app{"code verifier runs/s on HumanEval canonical solutions vs empty sandbox runs",
               "rlzero bench verify-code"};
  std::string data = "tests/fixtures/data/HumanEval.jsonl.gz";
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
    auto verifier =
        verifiers::MakeVerifier("code", Json(nullptr), verifiers::VerifierEnv{code_sandbox.get()});
    if (!verifier.ok()) return ReportError(cmd, verifier.status());

    size_t n = problems->size();
    std::atomic<int> empty_ok{0};
    double baseline = Throughput(n, threads, [&](size_t) {
      sandbox::RunRequest req;
      req.source = "pass\n";
      auto r = code_sandbox.get()->Run(req);
      if (r.ok() && r->status == sandbox::RunStatus::kOk) ++empty_ok;
    });
    std::atomic<int> passed{0};
    double code = Throughput(n, threads, [&](size_t i) {
      auto r = (*verifier)->Verify((*problems)[i], verifiers::Deadline::In(60000));
      if (r.ok() && r->correct) ++passed;
    });
    Json out;
    out["bench"] = "verify-code";
    out["data"] = data;
    out["threads"] = threads;
    out["code_problems"] = n;
    out["code_correct"] = passed.load();
    out["code_runs_per_s"] = code;
    out["baseline"] = {{"name", "sandbox run of an empty python program"},
                       {"runs_per_s", baseline},
                       {"ok", empty_ok.load()}};
    out["code_vs_baseline"] = code / baseline;
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

BenchRegistrar kRegistrar(
    "verify-code", "code verifier runs/s on HumanEval canonical solutions vs empty sandbox runs",
    RunBenchVerifyCode);

}  // namespace
}  // namespace rlzero::cli
