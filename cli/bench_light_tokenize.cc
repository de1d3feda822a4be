// cli/bench_light_tokenize.cc: `rlzero bench tokenize [--tokenizer PATH]
// [--data FILE] [--min-seconds S]`: encode throughput (MB/s of UTF-8 input)
// on the MATH-500 solutions.
//
// Prints one JSON object: encode_mb_per_s (word cache warm, the steady state
// of a training run; wall clock) and encode_mb_per_cpu_s (the same over this
// thread's CPU time, which stays meaningful on a shared, busy machine),
// cold_mb_per_s (the first pass over the data, right after loading), and the
// baseline measured in the same run, baseline_uncached_mb_per_s /
// _per_cpu_s (the same pipeline with the BPE word cache off: every piece
// merged from bytes); speedup_vs_baseline compares CPU-time rates. ids_match says cached and
// uncached ids agreed on every text. Defaults: the Qwen3 tokenizer and MATH-500 copies that CMake
// decompresses into the build dir (build/fixtures/tokenizer/). Non-goals: multi-threaded
// throughput.
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/bench_registry.h"
#include "policy/tokenizer/tokenizer.h"

namespace rlzero::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string FixtureDir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "fixtures/tokenizer";
  std::string exe(buf, static_cast<size_t>(n));
  std::string bin_dir = exe.substr(0, exe.rfind('/'));
  return bin_dir + "/../fixtures/tokenizer";
}

StatusOr<std::vector<std::string>> ReadSolutions(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(path + ": cannot open (pass --data FILE)");
  std::vector<std::string> out;
  std::string line;
  for (size_t no = 1; std::getline(in, line); ++no) {
    if (line.empty()) continue;
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("solution") || !j["solution"].is_string())
      return InvalidArgument(path + ": line " + std::to_string(no) +
                             ": expected a JSON object with a string \"solution\"");
    out.push_back(j["solution"].get<std::string>());
  }
  if (out.empty()) return InvalidArgument(path + ": no solutions");
  return out;
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Rate {
  double wall_mb_per_s = 0;  // best pass, wall clock
  double cpu_mb_per_s = 0;   // best pass, this thread's CPU time (robust to a busy machine)
};

// Runs passes over texts until min_seconds of wall time have elapsed (at
// least one pass); returns the best pass's rates.
template <typename F>
Rate BestRate(const std::vector<std::string>& texts, size_t bytes, double min_seconds, F encode) {
  Rate best;
  double total = 0;
  do {
    auto t0 = Clock::now();
    double c0 = ThreadCpuSeconds();
    for (const auto& t : texts) encode(t);
    double cpu = ThreadCpuSeconds() - c0;
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    total += s;
    best.wall_mb_per_s = std::max(best.wall_mb_per_s, bytes / 1e6 / s);
    if (cpu > 0) best.cpu_mb_per_s = std::max(best.cpu_mb_per_s, bytes / 1e6 / cpu);
  } while (total < min_seconds);
  return best;
}

int RunBenchTokenize(int argc, char** argv) {
  CLI::App app{"tokenizer encode MB/s on MATH-500 solutions, against no word cache",
               "rlzero bench tokenize"};
  std::string tok_path = FixtureDir() + "/qwen3";
  std::string data_path = FixtureDir() + "/math500_test.jsonl";
  double min_seconds = 1.0;
  app.add_option("--tokenizer", tok_path, "tokenizer.json or model dir (default: Qwen3 copy)");
  app.add_option("--data", data_path, "MATH-500 JSONL with \"solution\" (default: build copy)");
  app.add_option("--min-seconds", min_seconds, "time per measurement (default 1)");
  return RunApp(app, argc, argv, [&]() -> int {
    auto texts = ReadSolutions(data_path);
    if (!texts.ok()) return ReportError("rlzero bench tokenize", texts.status());
    auto t0 = Clock::now();
    auto tok = Tokenizer::Load(tok_path);
    if (!tok.ok()) return ReportError("rlzero bench tokenize", tok.status());
    double load_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const Tokenizer& t = *tok.value();
    size_t bytes = 0;
    for (const auto& s : texts.value()) bytes += s.size();

    // Cold pass (cache empty) and the ids check against the uncached path.
    size_t tokens = 0;
    bool ids_match = true;
    auto c0 = Clock::now();
    std::vector<std::vector<int32_t>> cached;
    for (const auto& s : texts.value()) cached.push_back(t.Encode(s));
    double cold_s = std::chrono::duration<double>(Clock::now() - c0).count();
    for (size_t i = 0; i < texts.value().size(); ++i) {
      tokens += cached[i].size();
      if (t.EncodeUncached(texts.value()[i]) != cached[i]) ids_match = false;
    }
    size_t sink = 0;
    Rate warm = BestRate(texts.value(), bytes, min_seconds,
                         [&](const std::string& s) { sink += t.Encode(s).size(); });
    Rate base = BestRate(texts.value(), bytes, min_seconds,
                         [&](const std::string& s) { sink += t.EncodeUncached(s).size(); });
    Json out = {{"bench", "tokenize"},
                {"tokenizer", tok_path},
                {"data", data_path},
                {"texts", texts.value().size()},
                {"bytes", bytes},
                {"tokens", tokens},
                {"load_seconds", load_s},
                {"encode_mb_per_s", warm.wall_mb_per_s},
                {"encode_mb_per_cpu_s", warm.cpu_mb_per_s},
                {"cold_mb_per_s", bytes / 1e6 / cold_s},
                {"baseline_uncached_mb_per_s", base.wall_mb_per_s},
                {"baseline_uncached_mb_per_cpu_s", base.cpu_mb_per_s},
                {"speedup_vs_baseline", warm.cpu_mb_per_s / base.cpu_mb_per_s},
                {"ids_match", ids_match},
                {"threads", 1}};
    std::printf("%s\n", out.dump().c_str());
    return (ids_match && sink > 0) ? 0 : 1;
  });
}

const BenchRegistrar kTokenizeBench("tokenize",
                                    "tokenizer encode MB/s on MATH-500 solutions (JSON)",
                                    RunBenchTokenize);

}  // namespace
}  // namespace rlzero::cli
