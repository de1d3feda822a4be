// cli/bench_code_runs.cc
#include "cli/bench_code_runs.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "verifiers/verifier.h"

namespace rlzero::cli {

std::string DefaultHumanEvalPath() {
  for (const char* candidate :
       {"tests/fixtures/data/HumanEval.jsonl.gz", "../tests/fixtures/data/HumanEval.jsonl.gz",
        "../shared/data/HumanEval.jsonl.gz"}) {
    if (std::ifstream(candidate)) return candidate;
  }
  return "tests/fixtures/data/HumanEval.jsonl.gz";
}

StatusOr<std::vector<Json>> LoadHumanEval(const std::string& path) {
  if (!std::ifstream(path)) return NotFound(path + ": cannot open (pass --humaneval PATH)");
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
    if (j.is_discarded() || !j.is_object() || !j.contains("prompt") || !j["prompt"].is_string() ||
        !j.contains("canonical_solution") || !j["canonical_solution"].is_string() ||
        !j.contains("test") || !j.contains("entry_point"))
      return InvalidArgument(path +
                             ": not HumanEval jsonl (prompt, canonical_solution, test, "
                             "entry_point)");
    Json s = {{"response", "```python\n" + j["prompt"].get<std::string>() +
                               j["canonical_solution"].get<std::string>() + "\n```"},
              {"test", j["test"]},
              {"entry_point", j["entry_point"]}};
    out.push_back(std::move(s));
  }
  if (out.empty()) return NotFound(path + ": no problems");
  return out;
}

double ParallelThroughput(size_t n, int threads, const std::function<void(size_t)>& fn) {
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

StatusOr<CodeRuns> MeasureCodeRuns(const std::vector<Json>& samples, sandbox::Sandbox* sandbox,
                                   int threads) {
  if (sandbox == nullptr) return FailedPrecondition("no sandbox library linked into this binary");
  RLZ_ASSIGN_OR_RETURN(
      std::unique_ptr<verifiers::Verifier> verifier,
      verifiers::MakeVerifier("code", Json(nullptr), verifiers::VerifierEnv{sandbox}));
  std::atomic<int> passed{0};
  CodeRuns r;
  r.problems = samples.size();
  r.runs_per_s = ParallelThroughput(samples.size(), threads, [&](size_t i) {
    auto v = verifier->Verify(samples[i], verifiers::Deadline::In(60000));
    if (v.ok() && v->correct) ++passed;
  });
  r.correct = passed.load();
  return r;
}

}  // namespace rlzero::cli
