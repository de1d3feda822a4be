// cli/bench_torch_policy.cc: policy benchmarks in rlzero-torch.
//
// `rlzero bench logprobs [--vocab V] [--batch B] [--seq T] [--chunk N]`:
// tokens/s of TokenLogProbs (chunked, custom backward) forward and
// forward+backward on a small Qwen2-shaped model with a large vocabulary,
// against the baseline measured in the same run: full [B, T, V] float32
// logits -> log_softmax -> gather with plain autograd. Also reports the
// largest logits tensor each path holds and the process's peak RSS after
// each path (chunked first, so the baseline's extra peak shows).
//
// `rlzero bench model-load [--hidden C] [--layers L] [--dtype D]`: saves a
// Llama-shaped checkpoint, then loads it in a child process and reports load
// GB/s and the child's peak RSS growth over the checkpoint size (the
// contract: about 1.2x at most), with the checkpoint size as the baseline.
// Non-goals: GPU numbers (run on a CUDA build with --device cuda).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/app.h"
#include "cli/bench_registry.h"
#include "cli/process_memory.h"
#include "policy/logprobs.h"
#include "policy/model_io.h"

namespace rlzero::cli {
namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double SecondsPerRun(int reps, F f) {
  f();  // warm-up
  auto t0 = Clock::now();
  for (int i = 0; i < reps; ++i) f();
  return std::chrono::duration<double>(Clock::now() - t0).count() / reps;
}

int RunBenchLogprobs(int argc, char** argv) {
  CLI::App app{"TokenLogProbs tokens/s (chunked) against full-logits log_softmax",
               "rlzero bench logprobs"};
  int64_t vocab = 151936, batch = 2, seq = 256, chunk = 512, hidden = 128;
  int reps = 3;
  app.add_option("--vocab", vocab, "vocabulary size (default 151936, Qwen's)");
  app.add_option("--batch", batch, "rows (default 2)");
  app.add_option("--seq", seq, "tokens per row (default 256)");
  app.add_option("--chunk", chunk, "chunk_tokens (default 512)");
  app.add_option("--hidden", hidden, "hidden size (default 128)");
  app.add_option("--reps", reps, "timed repetitions (default 3)");
  return RunApp(app, argc, argv, [&]() -> int {
    ModelConfig c;
    c.model_type = "qwen2";
    c.vocab_size = vocab;
    c.hidden_size = hidden;
    c.intermediate_size = hidden * 2;
    c.num_hidden_layers = 2;
    c.num_attention_heads = 4;
    c.num_key_value_heads = 2;
    c.head_dim = hidden / 4;
    auto m = BuildModel(c, torch::kCPU, torch::kFloat32, 1);
    if (!m.ok()) return ReportError("rlzero bench logprobs", m.status());
    CausalLM& model = **m;
    auto ids = torch::randint(0, vocab, {batch, seq}, torch::kInt64);
    auto pos = torch::arange(seq, torch::kInt64).expand({batch, seq});
    auto chunked = [&](bool backward) {
      auto r = TokenLogProbs(model, ids, torch::Tensor(), torch::Tensor(), chunk, false);
      if (backward) r.logprobs.sum().backward();
    };
    auto full = [&](bool backward) {
      auto h = model.Forward(ids, pos, torch::Tensor(), nullptr).narrow(1, 0, seq - 1);
      auto lsm = torch::log_softmax(model.Logits(h).to(torch::kFloat32), -1);
      auto lp = lsm.gather(2, ids.narrow(1, 1, seq - 1).unsqueeze(-1)).squeeze(-1);
      if (backward) lp.sum().backward();
    };
    const double tokens = static_cast<double>(batch * (seq - 1));
    double chunk_fwd, chunk_bwd, full_fwd, full_bwd;
    {
      torch::NoGradGuard ng;
      chunk_fwd = SecondsPerRun(reps, [&] { chunked(false); });
    }
    chunk_bwd = SecondsPerRun(reps, [&] { chunked(true); });
    const int64_t hwm_chunked = ProcSelfStatusKb("VmHWM");
    {
      torch::NoGradGuard ng;
      full_fwd = SecondsPerRun(reps, [&] { full(false); });
    }
    full_bwd = SecondsPerRun(reps, [&] { full(true); });
    const int64_t hwm_full = ProcSelfStatusKb("VmHWM");
    Json out = {{"bench", "logprobs"},
                {"vocab", vocab},
                {"batch", batch},
                {"seq", seq},
                {"chunk_tokens", chunk},
                {"threads", at::get_num_threads()},
                {"chunked_forward_tokens_per_s", tokens / chunk_fwd},
                {"chunked_train_tokens_per_s", tokens / chunk_bwd},
                {"baseline_full_forward_tokens_per_s", tokens / full_fwd},
                {"baseline_full_train_tokens_per_s", tokens / full_bwd},
                {"chunked_max_logits_mb", std::min<double>(chunk, tokens) * vocab * 4 / 1e6},
                {"baseline_logits_mb", tokens * vocab * 4 / 1e6},
                {"peak_rss_mb_after_chunked", hwm_chunked / 1024.0},
                {"peak_rss_mb_after_baseline", hwm_full / 1024.0}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

int RunBenchModelLoad(int argc, char** argv) {
  CLI::App app{"model load GB/s and peak RSS over checkpoint size", "rlzero bench model-load"};
  int64_t hidden = 1024, layers = 8;
  std::string dtype_name = "bfloat16", child_dir;
  app.add_option("--hidden", hidden, "hidden size (default 1024)");
  app.add_option("--layers", layers, "layers (default 8)");
  app.add_option("--dtype", dtype_name, "checkpoint and load dtype (default bfloat16)");
  app.add_option("--child", child_dir, "internal: load DIR and report");
  return RunApp(app, argc, argv, [&]() -> int {
    const std::string cmd = "rlzero bench model-load";
    auto dtype = ParseDtype(dtype_name);
    if (!dtype.ok()) return ReportError(cmd, dtype.status());
    if (!child_dir.empty()) {
      const int64_t before = ProcSelfStatusKb("VmRSS");
      auto t0 = Clock::now();
      auto lm = LoadModel(child_dir, torch::kCPU, *dtype);
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      if (!lm.ok()) return ReportError(cmd, lm.status());
      std::printf("%lld %lld %.6f\n", static_cast<long long>(before),
                  static_cast<long long>(ProcSelfStatusKb("VmHWM")), s);
      return 0;
    }
    ModelConfig c;
    c.model_type = "llama";
    c.vocab_size = 32000;
    c.hidden_size = hidden;
    c.intermediate_size = hidden * 11 / 4;
    c.num_hidden_layers = layers;
    c.num_attention_heads = std::max<int64_t>(1, hidden / 128);
    c.num_key_value_heads = c.num_attention_heads;
    c.head_dim = hidden / c.num_attention_heads;
    std::string dir = std::filesystem::temp_directory_path().string() + "/rlz_bench_load_" +
                      std::to_string(::getpid());
    {
      auto m = BuildModel(c, torch::kCPU, *dtype, 1);
      if (!m.ok()) return ReportError(cmd, m.status());
      if (Status s = SaveModel(dir, c, **m); !s.ok()) return ReportError(cmd, s);
    }
    const double bytes = std::filesystem::file_size(dir + "/model.safetensors");
    char exe[4096];
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) return ReportError(cmd, Internal("cannot find /proc/self/exe"));
    exe[n] = '\0';
    std::string child =
        std::string(exe) + " bench model-load --dtype " + dtype_name + " --child " + dir;
    std::FILE* p = ::popen(child.c_str(), "r");
    long long before = 0, hwm = 0;
    double secs = 0;
    int got = p ? std::fscanf(p, "%lld %lld %lf", &before, &hwm, &secs) : 0;
    if (p) ::pclose(p);
    std::filesystem::remove_all(dir);
    if (got != 3) return ReportError(cmd, Internal("the loading child failed"));
    const double growth = (hwm - before) * 1024.0;
    Json out = {{"bench", "model-load"},
                {"dtype", dtype_name},
                {"checkpoint_mb", bytes / 1e6},
                {"baseline_checkpoint_mb", bytes / 1e6},
                {"load_seconds", secs},
                {"load_gb_per_s", bytes / 1e9 / secs},
                {"peak_rss_growth_mb", growth / 1e6},
                {"peak_rss_growth_over_checkpoint", growth / bytes}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

BenchRegistrar kLogprobs("logprobs",
                         "TokenLogProbs tokens/s, chunked vs full-logits baseline (same run)",
                         RunBenchLogprobs);
BenchRegistrar kModelLoad("model-load", "checkpoint load GB/s and peak RSS / checkpoint size",
                          RunBenchModelLoad);

}  // namespace
}  // namespace rlzero::cli
