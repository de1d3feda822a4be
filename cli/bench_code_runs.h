// cli/bench_code_runs.h: the code verifier's throughput on the HumanEval
// canonical solutions, shared by `rlzero bench verify` (math and code in one
// report, as issue 5 asks) and `rlzero bench verify-code` (code against an
// empty-program sandbox baseline).
//
// Each problem is one sandbox run of the nonce-marked harness, the solution
// and its check(). Problems are spread over `threads` at once.
// Non-goals: MBPP, math.
// Thread safety: MeasureCodeRuns starts and joins its own threads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero::sandbox {
class Sandbox;
}

namespace rlzero::cli {

// The first HumanEval jsonl(.gz) found among the usual places (the test
// fixture from the repository root or build/, then ../shared/data), or the
// fixture path when none exists (loading then names it).
std::string DefaultHumanEvalPath();

// HumanEval jsonl (optionally gzip) as code-verifier samples: response = the
// prompt + canonical solution in a python fence, test, entry_point.
StatusOr<std::vector<Json>> LoadHumanEval(const std::string& path);

struct CodeRuns {
  size_t problems = 0;
  int correct = 0;
  double runs_per_s = 0;
};

// Runs every sample through the `code` verifier on `sandbox`.
StatusOr<CodeRuns> MeasureCodeRuns(const std::vector<Json>& samples, sandbox::Sandbox* sandbox,
                                   int threads);

// Calls fn(i) for i in [0, n) on `threads` threads; returns calls per second.
double ParallelThroughput(size_t n, int threads, const std::function<void(size_t)>& fn);

}  // namespace rlzero::cli
