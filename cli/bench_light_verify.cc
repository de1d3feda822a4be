// cli/bench_light_verify.cc: `rlzero bench verify`: math verifications per
// second on MATH-500 on one core (each solution's last \boxed{} against its
// gold `answer`), with baselines measured in the same run:
//  - "normalised string equality": extraction + normalisation of both sides
//    and a string compare, the cheapest grader that still accepts most golds;
//  - the structural path on the matching pairs: extraction, normalisation,
//    parsing of both sides and tree comparison with no string shortcut (what
//    an answer costs when it is right but spelled differently from the gold);
//  - the verifier on shuffled pairs (a gold against another problem's
//    solution), where nearly every call goes past the string fast path into
//    the parser and the exact evaluator: the verifier's slow path.
// The math part pins the process to the CPU it starts on. Then, with the
// original CPU set back, the code verifier's runs/s on the HumanEval canonical
// solutions (cli/bench_code_runs.h; --code-threads at once, through the
// sandbox of the config's `sandbox:` section): code_runs_per_s,
// code_problems, code_correct, code_pass_rate. When no sandbox can be made on
// this host, code_runs_per_s is null and code_error says why; the math numbers
// still come out. `rlzero bench verify-code` adds an empty-program baseline.
// Non-goals: multi-threaded math throughput; MBPP.
#include <sched.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/bench_code_runs.h"
#include "cli/bench_registry.h"
#include "rewards/code_sandbox.h"
#include "verifiers/math/answer_equivalence.h"
#include "verifiers/math/answer_extractor.h"
#include "verifiers/math/latex_normalizer.h"
#include "verifiers/math/latex_parser.h"
#include "verifiers/math/math_verifier.h"

namespace rlzero::cli {
namespace {

struct Problem {
  std::string solution, answer;
};

StatusOr<std::vector<Problem>> LoadMath500(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(path + ": cannot open (pass --data PATH to MATH-500 jsonl)");
  std::vector<Problem> out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("solution") || !j.contains("answer") ||
        !j["solution"].is_string() || !j["answer"].is_string())
      return InvalidArgument(path + ":" + std::to_string(lineno) +
                             ": expected a JSON object with string "
                             "fields solution and answer");
    out.push_back({j["solution"].get<std::string>(), j["answer"].get<std::string>()});
  }
  if (out.empty()) return InvalidArgument(path + ": no problems");
  return out;
}

// Runs `pass` (one sweep over the problems, returning how many calls it made)
// until min_time_s has elapsed; returns calls per second.
template <typename Pass>
double Measure(double min_time_s, Pass pass) {
  using Clock = std::chrono::steady_clock;
  pass();  // warm-up
  long calls = 0;
  auto t0 = Clock::now();
  double elapsed = 0;
  do {
    calls += pass();
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < min_time_s);
  return calls / elapsed;
}

int RunBenchVerify(int argc, char** argv) {
  CLI::App app{"math verifications/s on MATH-500, one core, against baselines",
               "rlzero bench verify"};
  std::string data = "tests/fixtures/data/math500_test.jsonl";
  double min_time_s = 1.0;
  std::string humaneval = DefaultHumanEvalPath();
  int code_threads = 2;
  bool no_code = false;
  ConfigFlags config;
  app.add_option("--data", data, "MATH-500 jsonl (fields solution, answer)");
  app.add_option("--min-time-s", min_time_s, "seconds per measurement")->check(CLI::PositiveNumber);
  app.add_option("--humaneval", humaneval, "HumanEval jsonl(.gz) for code runs/s");
  app.add_option("--code-threads", code_threads, "code runs at once")->check(CLI::Range(1, 64));
  app.add_flag("--no-code", no_code, "skip the code verifier part");
  config.Add(app, /*required=*/false);
  return RunApp(app, argc, argv, [&]() -> int {
    const char* cmd = "rlzero bench verify";
    auto reader = config.Load();
    if (!reader.ok()) return ReportError(cmd, reader.status());
    rewards::CodeSandbox code_sandbox(*reader);
    Status finish = reader->Finish();
    if (!finish.ok()) return ReportError(cmd, finish);
    // Default: the test fixture from the repository root (or from build/), else
    // the shared data folder the issue names.
    if (!app.count("--data")) {
      for (const char* candidate :
           {"tests/fixtures/data/math500_test.jsonl", "../tests/fixtures/data/math500_test.jsonl",
            "../shared/data/math500_test.jsonl"}) {
        if (std::ifstream(candidate)) {
          data = candidate;
          break;
        }
      }
    }
    auto loaded = LoadMath500(data);
    if (!loaded.ok()) return ReportError(cmd, loaded.status());
    const std::vector<Problem>& problems = *loaded;

    // One core: pin to the CPU we are on (the code part gets the old set back).
    cpu_set_t original;
    bool have_original = sched_getaffinity(0, sizeof(original), &original) == 0;
    int cpu = sched_getcpu();
    if (cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      sched_setaffinity(0, sizeof(set), &set);
    }

    verifiers::MathOptions options;
    int correct = 0;
    for (const Problem& p : problems)
      correct += verifiers::VerifyMath(p.solution, p.answer, options).correct;
    int string_equal = 0;
    auto string_pass = [&]() -> long {
      int eq = 0;
      for (const Problem& p : problems) {
        auto a = verifiers::math::ExtractAnswer(p.solution, false);
        eq += a && verifiers::math::NormalizeLatex(*a) == verifiers::math::NormalizeLatex(p.answer);
      }
      string_equal = eq;
      return static_cast<long>(problems.size());
    };
    std::fprintf(stderr, "bench verify: %zu problems from %s, %.1f s per measurement\n",
                 problems.size(), data.c_str(), min_time_s);
    double baseline = Measure(min_time_s, string_pass);
    double math = Measure(min_time_s, [&]() -> long {
      for (const Problem& p : problems) verifiers::VerifyMath(p.solution, p.answer, options);
      return static_cast<long>(problems.size());
    });
    int structural_equal = 0;
    double structural = Measure(min_time_s, [&]() -> long {
      int eq = 0;
      for (const Problem& p : problems) {
        namespace m = verifiers::math;
        m::EvalBudget budget(options.timeout_ms);
        auto a = m::ExtractAnswer(p.solution, false);
        if (!a) continue;
        auto pred = m::ParseLatex(m::NormalizeLatex(*a), budget);
        auto gold = m::ParseLatex(m::NormalizeLatex(p.answer), budget);
        eq += pred.ok() && gold.ok() && m::AnswersEquivalent(*gold, *pred, budget).equal;
      }
      structural_equal = eq;
      return static_cast<long>(problems.size());
    });
    int shuffled_fp = 0;
    double shuffled = Measure(min_time_s, [&]() -> long {
      int fp = 0;
      for (size_t i = 0; i < problems.size(); ++i)
        fp += verifiers::VerifyMath(problems[(i + 7) % problems.size()].solution,
                                    problems[i].answer, options)
                  .correct;
      shuffled_fp = fp;
      return static_cast<long>(problems.size());
    });
    if (have_original) sched_setaffinity(0, sizeof(original), &original);

    // Code: HumanEval canonical solutions through the sandbox.
    StatusOr<CodeRuns> code = FailedPrecondition("skipped (--no-code)");
    if (!no_code) {
      std::fprintf(stderr, "bench verify: code runs on %s, %d threads\n", humaneval.c_str(),
                   code_threads);
      auto samples = LoadHumanEval(humaneval);
      Status made = samples.ok() ? code_sandbox.CreateIfNeeded(true) : samples.status();
      if (!made.ok())
        code = made;
      else
        code = MeasureCodeRuns(*samples, code_sandbox.get(), code_threads);
    }

    nlohmann::ordered_json out;
    out["bench"] = "verify";
    out["data"] = data;
    out["cores"] = 1;
    out["math_problems"] = problems.size();
    out["math_correct"] = correct;
    out["math_verifications_per_s"] = static_cast<long>(math);
    out["math_target_per_s"] = 20000;
    out["baseline"] = {{"name", "normalised string equality (extract + normalise + ==)"},
                       {"verifications_per_s", static_cast<long>(baseline)},
                       {"correct", string_equal}};
    out["math_vs_baseline"] = math / baseline;
    out["math_structural_path_per_s"] = static_cast<long>(structural);
    out["math_structural_path_correct"] = structural_equal;
    out["math_shuffled_pairs_per_s"] = static_cast<long>(shuffled);
    out["math_shuffled_pairs_accepted"] = shuffled_fp;
    out["code_data"] = humaneval;
    if (code.ok()) {
      out["code_runs_per_s"] = code->runs_per_s;
      out["code_problems"] = code->problems;
      out["code_correct"] = code->correct;
      out["code_pass_rate"] =
          code->problems == 0 ? 0.0 : static_cast<double>(code->correct) / code->problems;
      out["code_threads"] = code_threads;
    } else {
      out["code_runs_per_s"] = nullptr;
      out["code_error"] = code.status().ToString();
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

BenchRegistrar kVerifyBench("verify",
                            "math verifications/s on MATH-500 against string equality (one core), "
                            "code runs/s on HumanEval",
                            RunBenchVerify);

}  // namespace
}  // namespace rlzero::cli
