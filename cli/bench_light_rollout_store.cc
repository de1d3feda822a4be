// cli/bench_light_rollout_store.cc: `rlzero bench rollout-store`: what the
// rollout store costs the training loop and what it buys the inspector.
// Writes S steps of R synthetic rollouts (T tokens each, with token texts and
// log-probs) through RolloutWriter, and, as the baseline measured in the same
// run, as JSON lines flushed per step (the JSONL-dump approach). Reports rows/s,
// the time the caller is blocked per step, bytes on disk, and the time to fetch
// one step's rollouts (indexed query vs scanning the JSONL file).
// Prints one JSON object on stdout.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "base/progress.h"
#include "cli/app.h"
#include "cli/bench_registry.h"
#include "inspect/rollout_json.h"
#include "inspect/rollout_reader.h"
#include "inspect/rollout_writer.h"

namespace rlzero::cli {
namespace {

using Clock = std::chrono::steady_clock;
double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::vector<inspect::RolloutRecord> MakeStep(int step, int rows, int tokens) {
  std::vector<inspect::RolloutRecord> out;
  for (int i = 0; i < rows; ++i) {
    inspect::RolloutRecord r;
    r.run_id = "bench";
    r.step = step;
    r.weights_version = step;
    r.prompt_id = "p" + std::to_string(i / 8);
    r.prompt = "What is " + std::to_string(i) + " + " + std::to_string(step) + "?";
    r.sample_index = i % 8;
    for (int t = 0; t < tokens; ++t) {
      r.token_ids.push_back(1000 + (t * 7 + i) % 30000);
      r.token_texts.push_back(t % 5 == 0 ? " the" : " tok" + std::to_string(t % 97));
      r.token_logprobs.push_back(-0.01f * static_cast<float>(t % 50));
      r.completion += r.token_texts.back();
    }
    r.rewards = {{"correctness", i % 2}, {"format", 0.5}};
    r.reward = i % 2 + 0.5;
    r.advantage = (i % 2) - 0.5;
    r.correct = i % 2 == 1;
    r.finish_reason = "stop";
    r.extracted_answer = std::to_string(i + step);
    r.verifier_reason = "bench";
    out.push_back(std::move(r));
  }
  return out;
}

int RunBenchRolloutStore(int argc, char** argv) {
  CLI::App app{"rollout store write rows/s and step query time vs JSONL (same run)", argv[0]};
  int steps = 20, rows = 256, tokens = 256;
  std::string dir =
      (std::filesystem::temp_directory_path() / "rlzero_bench_rollout_store").string();
  app.add_option("--steps", steps, "training steps")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--rows", rows, "rollouts per step")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--tokens", tokens, "tokens per rollout")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--dir", dir, "scratch directory (emptied)")->capture_default_str();
  return RunApp(app, argc, argv, [&] {
    const char* kCmd = "rlzero bench rollout-store";
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir, ec);
    std::vector<std::vector<inspect::RolloutRecord>> data;
    for (int s = 1; s <= steps; ++s) data.push_back(MakeStep(s, rows, tokens));
    const double total_rows = static_cast<double>(steps) * rows;

    // Store: WriteStep returns after queueing; the thread commits.
    std::string db = inspect::RolloutStorePath(dir);
    double caller_ms = 0;
    auto t0 = Clock::now();
    {
      auto w = inspect::RolloutWriter::Open(db);
      if (!w.ok()) return ReportError(kCmd, w.status());
      Progress progress("bench rollout-store", steps);
      long long done = 0;
      for (auto step : data) {  // copy: the caller hands its rows over
        progress.Update(done++);
        auto a = Clock::now();
        Status st = (*w)->WriteStep(std::move(step));
        caller_ms += Ms(a, Clock::now());
        if (!st.ok()) return ReportError(kCmd, st);
      }
      Status st = (*w)->Flush();
      if (!st.ok()) return ReportError(kCmd, st);
      progress.Finish("store written; JSONL baseline next");
    }
    double store_ms = Ms(t0, Clock::now());
    auto reader = inspect::RolloutReader::Open(db);
    if (!reader.ok()) return ReportError(kCmd, reader.status());
    inspect::RolloutFilter f;
    f.step = steps / 2 + 1;
    auto q0 = Clock::now();
    auto got = (*reader)->Query(f);
    double store_query_ms = Ms(q0, Clock::now());
    if (!got.ok()) return ReportError(kCmd, got.status());

    // Baseline: JSON lines, flushed per step, written on the caller's thread.
    std::string jsonl = dir + "/rollouts.jsonl";
    double jsonl_caller_ms = 0;
    auto j0 = Clock::now();
    {
      std::FILE* out = std::fopen(jsonl.c_str(), "w");
      if (!out) return ReportError(kCmd, Unavailable(jsonl + ": cannot write"));
      for (const auto& step : data) {
        auto a = Clock::now();
        for (const auto& r : step) {
          std::string line = inspect::DumpJson(inspect::RolloutToJson(r, true)) + "\n";
          std::fwrite(line.data(), 1, line.size(), out);
        }
        std::fflush(out);
        jsonl_caller_ms += Ms(a, Clock::now());
      }
      std::fclose(out);
    }
    double jsonl_ms = Ms(j0, Clock::now());
    auto s0 = Clock::now();
    size_t matched = 0;
    {
      std::ifstream in(jsonl);
      std::string line;
      while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j["step"] == *f.step) ++matched;
      }
    }
    double jsonl_query_ms = Ms(s0, Clock::now());
    if (matched != got->size()) {
      return ReportError(kCmd, Internal("query mismatch: store " + std::to_string(got->size()) +
                                        " rows, jsonl " + std::to_string(matched)));
    }
    auto size_of = [&](const std::string& p) {
      auto n = std::filesystem::file_size(p, ec);
      return ec ? 0 : static_cast<long long>(n);
    };
    nlohmann::json out = {{"bench", "rollout-store"},
                          {"steps", steps},
                          {"rows_per_step", rows},
                          {"tokens_per_row", tokens},
                          {"store",
                           {{"rows_per_s", total_rows / (store_ms / 1000)},
                            {"caller_ms_per_step", caller_ms / steps},
                            {"bytes", size_of(db)},
                            {"query_step_ms", store_query_ms}}},
                          {"baseline_jsonl",
                           {{"rows_per_s", total_rows / (jsonl_ms / 1000)},
                            {"caller_ms_per_step", jsonl_caller_ms / steps},
                            {"bytes", size_of(jsonl)},
                            {"query_step_ms", jsonl_query_ms}}}};
    std::printf("%s\n", out.dump().c_str());
    std::filesystem::remove_all(dir, ec);
    return 0;
  });
}

BenchRegistrar kRolloutStoreBench(
    "rollout-store", "rollout store rows/s, caller block per step, step query vs JSONL dump",
    RunBenchRolloutStore);

}  // namespace
}  // namespace rlzero::cli
