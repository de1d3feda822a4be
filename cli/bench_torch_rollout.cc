// cli/bench_torch_rollout.cc: `rlzero bench rollout --model DIR | --config
// CONFIG [--batch-sizes 1,8,64] [--prompt-len P --new-tokens L]`.
//
// For each batch size B: B random prompts of P tokens, one completion of
// exactly L tokens each (no EOS), through the RolloutEngine (KV cache,
// continuous batching) and, in the same run, through a plain loop that
// recomputes the whole sequence every step (no cache; logits of the last
// position only). Prints one JSON object: prefill and decode tokens/s, the
// engine's end-to-end tokens/s, the recompute loop's, their ratio, and a
// decode-time breakdown: model forward vs sampling/scheduling, and an
// estimate of the time the step's matmuls and attention products take alone
// (the same GEMM shapes timed in isolation), hence the share of decode time
// outside them; and a bandwidth-aware share that counts the matmuls as at
// least the time to read the weights once per step (memory-bound decode: the
// isolated timings keep the weights in cache). Also the bandwidth roofline
// for batch 1: measured copy bandwidth / weight bytes read per decode step.
// --config takes a Hugging Face config.json (the format `rlzero init` reads);
// with neither flag a built-in tiny Llama (~1.2M parameters) is used. Weights
// are random (speed only). --profile FILE writes a chrome://tracing file of
// one more engine run at the last batch size (LibTorch 1.x's op profiler);
// docs/rollout.md shows how to sum it per op. --repeats N times the engine N
// times and reports the run with the median decode time (noisy machines);
// --skip-recompute leaves out the recompute loop and its ratio (profiling).
// --cuda-graphs auto|on|off is the engine's decode-step mode
// (rollout/static_decoder.h); whenever the static step ran (graphs on CUDA,
// or `on` on CPU), the same prompts also go through the plain step in the
// same run, and the row reports both decode rates and their ratio.
// --device-sampling auto|on|off: decode steps sampled where the logits are
// (rollout/device_sampler.h); echoed as `device_sampling`.
#include <ATen/Parallel.h>
#if RLZ_HAS_LEGACY_RECORD_PROFILE
#include <torch/csrc/autograd/profiler_legacy.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/bench_registry.h"
#include "cli/rollout_engine_flags.h"
#include "policy/model_config.h"
#include "policy/model_io.h"
#include "policy/torch_compat.h"
#include "policy/transformer_blocks.h"
#include "rollout/rollout_engine.h"

namespace rlzero::cli {
namespace {

constexpr const char* kRolloutBenchCmd = "rlzero bench rollout";

// ~1.2M parameters: 6 layers, hidden 128, GQA 4/2 heads of 32, vocab 512.
constexpr const char* kTinyConfig = R"({
  "model_type": "llama", "vocab_size": 512, "hidden_size": 128, "intermediate_size": 344,
  "num_hidden_layers": 6, "num_attention_heads": 4, "num_key_value_heads": 2,
  "max_position_embeddings": 2048, "tie_word_embeddings": true, "rms_norm_eps": 1e-6,
  "rope_theta": 10000.0})";

double RolloutBenchClockS() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void Sync(const torch::Device& d) {
  if (d.is_cuda()) torch::cuda::synchronize();
}

StatusOr<std::vector<int64_t>> ParseSizes(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      size_t used = 0;
      long long v = std::stoll(item, &used);
      if (used != item.size() || v < 1) throw std::invalid_argument(item);
      out.push_back(v);
    } catch (const std::exception&) {
      return InvalidArgument("--batch-sizes: '" + item + "' is not a positive integer");
    }
  }
  if (out.empty()) return InvalidArgument("--batch-sizes: empty list");
  return out;
}

// Plain generation without cache: full forward over the whole sequence each step.
double RecomputeSeconds(CausalLM& model, const torch::Tensor& prompts, int64_t new_tokens,
                        const torch::Device& device) {
  torch::NoGradGuard g;
  Sync(device);
  const double t0 = RolloutBenchClockS();
  torch::Tensor ids = prompts;
  const int64_t B = ids.size(0);
  for (int64_t step = 0; step < new_tokens; ++step) {
    const int64_t T = ids.size(1);
    auto pos = torch::arange(T, ids.options()).view({1, T}).expand({B, T});
    auto hidden = model.Forward(ids, pos, torch::Tensor(), nullptr);
    auto logits = model.Logits(hidden.select(1, T - 1));
    auto next = logits.argmax(-1, /*keepdim=*/true);
    ids = torch::cat({ids, next}, 1);
  }
  Sync(device);
  return RolloutBenchClockS() - t0;
}

// The decode step's matmuls and its attention alone, at the mean visible
// length, times the number of decode steps.
struct StepEstimate {
  double matmul_s = 0, attention_s = 0;
};
StepEstimate GemmSecondsEstimate(const ModelConfig& c, int64_t B, int64_t mean_len, int64_t steps,
                                 torch::Dtype dtype, const torch::Device& device) {
  torch::NoGradGuard g;
  auto o = torch::TensorOptions().dtype(dtype).device(device);
  const int64_t C = c.hidden_size, H = c.num_attention_heads, Hkv = c.num_key_value_heads;
  const int64_t D = c.head_dim, I = c.intermediate_size, V = c.vocab_size;
  auto x = torch::randn({B, C}, o), xi = torch::randn({B, I}, o), xa = torch::randn({B, H * D}, o);
  // Each layer has weights and a K/V cache of its own, as in the model: one
  // set reused across layers would stay in cache and make the estimate
  // faster than the model's own products can be (session 6: 2x at batch 64).
  struct Layer {
    torch::Tensor wq, wk, wv, wo, wg, wu, wd, k, v;
  };
  std::vector<Layer> layers;
  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    layers.push_back({torch::randn({H * D, C}, o), torch::randn({Hkv * D, C}, o),
                      torch::randn({Hkv * D, C}, o), torch::randn({C, H * D}, o),
                      torch::randn({I, C}, o), torch::randn({I, C}, o), torch::randn({C, I}, o),
                      torch::randn({B, Hkv, mean_len, D}, o),
                      torch::randn({B, Hkv, mean_len, D}, o)});
  }
  auto wl = torch::randn({V, C}, o);
  // Attention as the model runs it (policy/transformer_blocks.h's
  // GroupedQueryAttention: scores, mask, softmax, weighted values) over a
  // cache-shaped K/V, all keys visible.
  auto q = torch::randn({B, H, 1, D}, o);
  auto mask = torch::ones({B, 1, 1, mean_len}, o.dtype(torch::kBool));
  const double scale = 1.0 / std::sqrt(static_cast<double>(D));
  auto matmuls = [&] {
    for (const Layer& w : layers) {
      torch::matmul(x, w.wq.t());
      torch::matmul(x, w.wk.t());
      torch::matmul(x, w.wv.t());
      torch::matmul(xa, w.wo.t());
      torch::matmul(x, w.wg.t());
      torch::matmul(x, w.wu.t());
      torch::matmul(xi, w.wd.t());
    }
    torch::matmul(x, wl.t());
  };
  auto attention = [&] {
    for (const Layer& w : layers) GroupedQueryAttention(q, w.k, w.v, mask, scale);
  };
  auto per_step = [&](const std::function<void()>& f) {
    f();  // warm-up
    // The median of 31 timed repetitions: one descheduled thread in one
    // repetition must not move the estimate.
    std::vector<double> times;
    for (int r = 0; r < 31; ++r) {
      Sync(device);
      const double t0 = RolloutBenchClockS();
      f();
      Sync(device);
      times.push_back(RolloutBenchClockS() - t0);
    }
    std::nth_element(times.begin(), times.begin() + 15, times.end());
    return times[15] * static_cast<double>(steps);
  };
  StepEstimate e;
  e.matmul_s = per_step(matmuls);
  e.attention_s = per_step(attention);
  return e;
}

// Device copy bandwidth (bytes/s): read + write of a 256 MiB buffer.
double CopyBandwidth(const torch::Device& device) {
  auto a = torch::empty({256 << 20}, torch::TensorOptions().dtype(torch::kUInt8).device(device));
  auto b = torch::empty_like(a);
  b.copy_(a);
  Sync(device);
  const double t0 = RolloutBenchClockS();
  const int reps = 10;
  for (int r = 0; r < reps; ++r) b.copy_(a);
  Sync(device);
  return 2.0 * static_cast<double>(a.numel()) * reps / (RolloutBenchClockS() - t0);
}

}  // namespace

int RunBenchRollout(int argc, char** argv) {
  CLI::App app{"rollout engine tokens/s vs a recompute-everything loop", kRolloutBenchCmd};
  std::string model_dir, config_path, sizes_text = "1,8,64", device_name = "cpu",
                                      dtype_name = "float32";
  int64_t prompt_len = 32, new_tokens = 128;
  uint64_t seed = 0;
  std::string profile_path;
  int repeats = 1;
  bool skip_recompute = false;
  RolloutEngineOptions engine_flags;  // --cuda-graphs, --device-sampling
  auto* m = app.add_option("--model", model_dir, "model dir (HF layout)");
  app.add_option("--config", config_path, "HF config.json for a random-weight model")->excludes(m);
  app.add_option("--batch-sizes", sizes_text, "comma-separated")->capture_default_str();
  app.add_option("--prompt-len", prompt_len)->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--new-tokens", new_tokens)->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--device", device_name)->capture_default_str();
  app.add_option("--dtype", dtype_name)->capture_default_str();
  app.add_option("--seed", seed, "prompt ids and random weights")->capture_default_str();
  app.add_option("--profile", profile_path,
                 "write a chrome://tracing op profile of one more run at the last batch size");
  app.add_option("--repeats", repeats, "engine runs per batch size; the median decode is reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_flag("--skip-recompute", skip_recompute,
               "leave out the recompute loop (no recompute_* or ratio fields)");
  cli::AddRolloutEngineFlags(app, &engine_flags);
  return RunApp(app, argc, argv, [&]() -> int {
    auto sizes = ParseSizes(sizes_text);
    if (!sizes.ok()) return ReportError(kRolloutBenchCmd, sizes.status());
    auto device = ParseDevice(device_name);
    if (!device.ok()) return ReportError(kRolloutBenchCmd, device.status());
    auto dtype = ParseDtype(dtype_name);
    if (!dtype.ok()) return ReportError(kRolloutBenchCmd, dtype.status());
#if !RLZ_HAS_LEGACY_RECORD_PROFILE
    if (!profile_path.empty())
      return ReportError(kRolloutBenchCmd,
                         Unimplemented("--profile needs LibTorch 1.x's legacy op profiler"));
#endif

    ModelConfig config;
    std::shared_ptr<CausalLM> model;
    std::string source;
    if (!model_dir.empty()) {
      auto loaded = LoadModel(model_dir, *device, *dtype);
      if (!loaded.ok()) return ReportError(kRolloutBenchCmd, loaded.status());
      config = loaded->config;
      model = loaded->model;
      source = model_dir;
    } else {
      auto c = config_path.empty() ? ParseModelConfigText(kTinyConfig, "built-in tiny config")
                                   : LoadModelConfig(config_path);
      if (!c.ok()) return ReportError(kRolloutBenchCmd, c.status());
      config = *c;
      auto built = BuildModel(config, *device, *dtype, seed);
      if (!built.ok()) return ReportError(kRolloutBenchCmd, built.status());
      model = *built;
      source = config_path.empty() ? "built-in tiny llama" : config_path;
    }
    model->eval();
    int64_t params = 0, weight_bytes = 0;
    for (const auto& p : model->parameters()) {
      params += p.numel();
      weight_bytes += p.numel() * static_cast<int64_t>(p.element_size());
    }

    nlohmann::ordered_json out;
    out["bench"] = "rollout";
    out["model"] = {{"source", source},
                    {"model_type", config.model_type},
                    {"parameters", params},
                    {"layers", config.num_hidden_layers},
                    {"hidden_size", config.hidden_size},
                    {"vocab_size", config.vocab_size}};
    out["device"] = device->str();
    out["dtype"] = DtypeName(*dtype);
    out["threads"] = at::get_num_threads();
    out["device_sampling"] = engine_flags.device_sampling;
    out["prompt_len"] = prompt_len;
    out["new_tokens"] = new_tokens;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    try {
      // Memory copy bandwidth, for the time one decode step needs just to read
      // the weights (the isolated GEMM timings keep them in cache).
      const double bw = CopyBandwidth(*device);
      for (int64_t B : *sizes) {
        auto gen = at::detail::createCPUGenerator(seed + static_cast<uint64_t>(B));
        torch::Tensor prompt_ids =
            torch::randint(config.vocab_size, {B, prompt_len}, gen, torch::kInt64);
        std::vector<std::vector<int32_t>> prompts(static_cast<size_t>(B));
        for (int64_t b = 0; b < B; ++b)
          for (int64_t t = 0; t < prompt_len; ++t)
            prompts[b].push_back(static_cast<int32_t>(prompt_ids[b][t].item<int64_t>()));

        RolloutEngineOptions options = engine_flags;
        options.max_batch = B;  // no eos: every sequence runs exactly new_tokens
        RolloutEngine engine(model, options);
        SamplingParams sp;
        sp.max_new_tokens = static_cast<int>(new_tokens);
        sp.seed = seed;
        SamplingParams warm = sp;
        warm.max_new_tokens = 2;
        auto w = engine.Generate(prompts, warm);  // allocates the cache, warms kernels
        if (!w.ok()) return ReportError(kRolloutBenchCmd, w.status());
        // Each engine run is followed at once by its own matmul/attention
        // estimate: this machine's speed drifts by tens of percent within a
        // minute, and an estimate timed apart from its run split the decode
        // time by the drift rather than by the code (session 6).
        struct Run {
          RolloutStats stats;
          StepEstimate estimate;
        };
        std::vector<Run> runs;
        for (int i = 0; i < repeats; ++i) {
          auto r = engine.Generate(prompts, sp);
          if (!r.ok()) return ReportError(kRolloutBenchCmd, r.status());
          const RolloutStats st = engine.last_stats();
          runs.push_back({st, GemmSecondsEstimate(config, B, prompt_len + new_tokens / 2,
                                                  st.decode_steps, *dtype, *device)});
        }
        // The share of a run's decode time outside its matmuls and attention.
        auto outside_share = [](const Run& r) {
          return std::max(
              0.0, 1.0 - (r.estimate.matmul_s + r.estimate.attention_s) / r.stats.decode_seconds);
        };
        std::vector<double> shares;
        for (const Run& r : runs) shares.push_back(outside_share(r));
        std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
          return a.stats.decode_seconds < b.stats.decode_seconds;
        });
        const Run& median_run = runs[runs.size() / 2];
        const RolloutStats s = median_run.stats;

        const double recompute_s =
            skip_recompute ? 0.0
                           : RecomputeSeconds(*model, prompt_ids.to(*device), new_tokens, *device);
        const double total_tokens = static_cast<double>(B * new_tokens);
        const double engine_s = s.prefill_seconds + s.decode_seconds;
        const StepEstimate est = median_run.estimate;  // the median run's own
        const double gemm_s = est.matmul_s + est.attention_s;
        // Every decode step reads every weight once: at least this long.
        const double weight_read_s =
            static_cast<double>(s.decode_steps) * static_cast<double>(weight_bytes) / bw;
        nlohmann::ordered_json row;
        row["batch_size"] = B;
        row["prefill_tokens_per_s"] = s.prefill_tokens / s.prefill_seconds;
        row["decode_tokens_per_s"] = s.decode_tokens / s.decode_seconds;
        row["engine_tokens_per_s"] = total_tokens / engine_s;
        row["engine_seconds"] = engine_s;
        row["engine_runs"] = repeats;
        if (!skip_recompute) {
          row["recompute_tokens_per_s"] = total_tokens / recompute_s;
          row["ratio"] = recompute_s / engine_s;
          row["recompute_seconds"] = recompute_s;
        }
        row["decode_breakdown"] = {
            {"decode_seconds", s.decode_seconds},
            {"model_forward_seconds", s.decode_model_seconds},
            {"sampling_and_stops_seconds", s.decode_sampling_seconds},
            {"matmul_seconds_estimate", est.matmul_s},
            {"attention_seconds_estimate", est.attention_s},
            {"matmul_attention_seconds_estimate", gemm_s},
            {"outside_matmul_attention_share", outside_share(median_run)},
            {"weight_read_seconds_estimate", weight_read_s},
            {"outside_share_per_run", shares},  // in run order, each with its own estimate
            {"outside_share_bandwidth_aware",
             std::max(0.0, 1.0 - (std::max(est.matmul_s, weight_read_s) + est.attention_s) /
                                     s.decode_seconds)}};
        const bool static_step = s.graph_replays + s.static_eager_steps > 0;
        row["cuda_graphs"] = {{"mode", engine_flags.cuda_graphs},
                              {"static_step", static_step},
                              {"captures", s.graph_captures},
                              {"replays", s.graph_replays},
                              {"eager_static_steps", s.static_eager_steps},
                              {"padded_rows", s.padded_rows}};
        if (static_step) {
          // The plain step on the same prompts, in the same run: what the
          // static step (and its graphs) buys.
          RolloutEngineOptions plain_options = options;
          plain_options.cuda_graphs = "off";
          RolloutEngine plain(model, plain_options);
          if (auto w2 = plain.Generate(prompts, warm); !w2.ok())
            return ReportError(kRolloutBenchCmd, w2.status());
          std::vector<double> plain_decode;
          for (int i = 0; i < repeats; ++i) {
            auto r = plain.Generate(prompts, sp);
            if (!r.ok()) return ReportError(kRolloutBenchCmd, r.status());
            plain_decode.push_back(plain.last_stats().decode_seconds);
          }
          std::sort(plain_decode.begin(), plain_decode.end());
          const double plain_s = plain_decode[plain_decode.size() / 2];
          row["cuda_graphs"]["plain_step_decode_tokens_per_s"] = s.decode_tokens / plain_s;
          row["cuda_graphs"]["static_over_plain_decode"] = plain_s / s.decode_seconds;
        }
        rows.push_back(row);
#if RLZ_HAS_LEGACY_RECORD_PROFILE
        if (!profile_path.empty() && B == sizes->back()) {
          torch::autograd::profiler::RecordProfile guard(profile_path);
          auto again = engine.Generate(prompts, sp);
          if (!again.ok()) return ReportError(kRolloutBenchCmd, again.status());
        }
#endif
        if (skip_recompute) {
          std::fprintf(stderr, "%s: batch %lld: engine %.1f tok/s\n", kRolloutBenchCmd,
                       static_cast<long long>(B), total_tokens / engine_s);
        } else {
          std::fprintf(stderr,
                       "%s: batch %lld: engine %.1f tok/s, recompute %.1f tok/s, ratio %.2f\n",
                       kRolloutBenchCmd, static_cast<long long>(B), total_tokens / engine_s,
                       total_tokens / recompute_s, recompute_s / engine_s);
        }
      }
      out["results"] = rows;
      out["roofline"] = {
          {"copy_bandwidth_bytes_per_s", bw},
          {"weight_bytes_per_decode_step", weight_bytes},
          {"batch1_decode_tokens_per_s_bound", bw / static_cast<double>(weight_bytes)}};
    } catch (const c10::Error& e) {
      return ReportError(kRolloutBenchCmd,
                         Internal(std::string("LibTorch: ") + e.what_without_backtrace()));
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  });
}

static BenchRegistrar kRegisterRollout("rollout",
                                       "rollout engine prefill/decode tokens/s vs a recompute loop",
                                       RunBenchRollout);

}  // namespace rlzero::cli
