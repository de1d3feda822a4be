// cli/bench_torch_learner.cc: `rlzero bench learner`: training tokens/s of the
// GRPO learner (Learner::Update: forward, backward, AdamW step, with the
// objective, micro-batching and metrics around it) against a plain LibTorch
// training step of the same model in the same run (forward, token NLL,
// backward, torch::optim::AdamW::step), for three configs:
//   tiny                 4 layers, C=128, V=64
//   qwen2.5-0.5b-shape   Qwen2.5-0.5B's shapes (hidden 896, 14 heads / 2 KV
//                        heads, MLP 4864, vocabulary 151936, tied embeddings)
//                        with --layers of its 24 layers (default 2)
//   qwen2.5-0.5b         the same with all 24 layers (494 M parameters; with
//                        float32 AdamW about 8 GB of weights, grads and moments
//                        plus activations for 256 tokens/step). On CPU only
//                        with --only (minutes per step on 2 cores).
// Options: --device cpu|cuda, --autocast off|bfloat16 (both sides under the
// same autocast, float32 master weights), --logprob-chunk N (the learner's
// grpo.logprob_chunk_tokens; the plain step always uses full logits).
// Reports tokens/s, model FLOPs per step (6 * parameters * tokens + attention
// 12 * layers * heads * head_dim * batch * seq^2, PaLM's count, no causal
// halving) and achieved TFLOP/s; on CUDA also `mfu` = achieved / --peak-tflops
// (default 989, H100 SXM dense bf16). On CPU, peak RSS of each side
// (VmHWM after resetting it through /proc/self/clear_refs at the side's
// start; includes the model, its gradients and AdamW state, and memory the
// allocator kept from the side before; --skip-baseline measures the learner
// alone). --batch changes the rows per step (128 tokens each).
// Non-goals: GPU memory statistics (the caching allocator's counters differ
// between LibTorch versions; not measurable without a GPU here).
// Prints one JSON object on stdout.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "cli/app.h"
#include "cli/bench_registry.h"
#include "cli/process_memory.h"
#include "learner/learner.h"
#include "learner/token_logprobs.h"
#include "policy/model_io.h"

namespace rlzero::cli {
namespace {

struct LearnerBenchShape {
  std::string name;
  Json config;
  int64_t batch;
  int64_t prompt_len;
  int64_t completion_len;
};

struct LearnerBenchOptions {
  torch::Device device = torch::kCPU;
  std::string autocast = "off";
  std::optional<torch::ScalarType> autocast_dtype;
  int64_t logprob_chunk = 0;
  double peak_tflops = 989.0;
  int steps = 3;
  int64_t batch = 0;           // rows per step; 0 = the config's own
  bool skip_baseline = false;  // time (and measure the memory of) the learner alone
};

std::vector<TrainSample> MakeBenchSamples(const LearnerBenchShape& s, int64_t vocab) {
  std::vector<TrainSample> out(s.batch);
  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t t = 0; t < s.prompt_len; ++t) out[b].prompt_ids.push_back((7 * t + b) % vocab);
    for (int64_t t = 0; t < s.completion_len; ++t) {
      out[b].completion_ids.push_back((13 * t + 3 * b + 1) % vocab);
      out[b].behaviour_logprobs.push_back(-std::log(static_cast<float>(vocab)));
    }
    out[b].old_logprobs = out[b].behaviour_logprobs;
    out[b].advantage = (b % 2 == 0) ? 1.0 : -1.0;
  }
  return out;
}

double LearnerBenchClockS() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void LearnerBenchSync(torch::Device d) {
  if (d.is_cuda()) torch::cuda::synchronize();
}

// PaLM (appendix B) training FLOPs of one step: 6 N per token for the
// parameter matmuls (forward 2N, backward 4N) plus 12 L H D T per token for
// attention scores and values, T the sequence length.
double ModelFlopsPerStep(const ModelConfig& c, int64_t params, int64_t batch, int64_t seq) {
  const double tokens = static_cast<double>(batch * seq);
  return 6.0 * static_cast<double>(params) * tokens +
         12.0 * static_cast<double>(c.num_hidden_layers * c.num_attention_heads * c.head_dim) *
             tokens * static_cast<double>(seq);
}

// Peak RSS (MB) since ResetPeakRss, or -1 where the kernel cannot reset it.
double PeakRssMbSince(bool reset_ok) {
  return reset_ok ? ProcSelfStatusKb("VmHWM") / 1024.0 : -1.0;
}

StatusOr<Json> BenchLearnerShape(const LearnerBenchShape& shape, const LearnerBenchOptions& o) {
  RLZ_ASSIGN_OR_RETURN(ModelConfig config, ParseModelConfig(shape.config, shape.name));
  const int64_t seq = shape.prompt_len + shape.completion_len;
  const int64_t batch = o.batch > 0 ? o.batch : shape.batch;
  const int64_t tokens_per_step = batch * seq;
  LearnerBenchShape sized = shape;
  sized.batch = batch;
  auto samples = MakeBenchSamples(sized, config.vocab_size);
  const int steps = o.steps;

  // Plain LibTorch step: same model, same tokens, NLL of completion tokens.
  double baseline_s = 0;
  bool reset_ok = ResetPeakRss();
  if (!o.skip_baseline) {
    RLZ_ASSIGN_OR_RETURN(std::shared_ptr<CausalLM> model,
                         BuildModel(config, o.device, torch::kFloat32, 1));
    torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-5));
    std::vector<int> all(samples.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
    RLZ_ASSIGN_OR_RETURN(CollatedBatch c, CollateSamples(samples, all, o.device));
    const LogProbOptions plain{0, o.autocast_dtype};
    for (int i = 0; i <= steps; ++i) {  // step 0 is warm-up
      LearnerBenchSync(o.device);
      const double t0 = LearnerBenchClockS();
      opt.zero_grad();
      auto [logp, ent] = ForwardLogProbs(*model, c.input_ids, c.targets, EntropyMode::kNone, plain);
      torch::Tensor loss = -(logp * c.mask).sum() / c.mask.sum();
      loss.backward();
      opt.step();
      LearnerBenchSync(o.device);
      if (i > 0) baseline_s += LearnerBenchClockS() - t0;
    }
  }
  const double baseline_peak_mb = PeakRssMbSince(reset_ok);
  // The learner.
  double learner_s = 0;
  double entropy = 0;
  int64_t params = 0;
  reset_ok = ResetPeakRss();
  {
    RLZ_ASSIGN_OR_RETURN(std::shared_ptr<CausalLM> model,
                         BuildModel(config, o.device, torch::kFloat32, 1));
    for (auto& p : model->parameters()) params += p.numel();
    GrpoConfig grpo;
    grpo.autocast = o.autocast;
    grpo.logprob_chunk_tokens = o.logprob_chunk;
    OptimConfig optim;
    optim.lr = optim.schedule.lr = 1e-5;
    RLZ_ASSIGN_OR_RETURN(std::unique_ptr<Learner> learner,
                         Learner::Create(model, nullptr, grpo, optim, shape.completion_len));
    for (int i = 0; i <= steps; ++i) {
      LearnerBenchSync(o.device);
      const double t0 = LearnerBenchClockS();
      RLZ_ASSIGN_OR_RETURN(UpdateMetrics m, learner->Update(samples, i));
      LearnerBenchSync(o.device);
      if (i > 0) learner_s += LearnerBenchClockS() - t0;
      entropy = m.entropy;
    }
  }
  const double learner_peak_mb = PeakRssMbSince(reset_ok);
  const double learner_tps = tokens_per_step * steps / learner_s;
  const double baseline_tps = tokens_per_step * steps / baseline_s;
  const double flops = ModelFlopsPerStep(config, params, batch, seq);
  const double learner_tflops = flops * steps / learner_s / 1e12;
  const double baseline_tflops = flops * steps / baseline_s / 1e12;
  Json r = {
      {"name", shape.name},
      {"parameters", params},
      {"layers", config.num_hidden_layers},
      {"batch", batch},
      {"tokens_per_step", tokens_per_step},
      {"steps", steps},
      {"learner_tokens_per_s", learner_tps},
      {"baseline_tokens_per_s", baseline_tps},
      {"learner_vs_baseline", o.skip_baseline ? Json(nullptr) : Json(learner_tps / baseline_tps)},
      {"model_tflop_per_step", flops / 1e12},
      {"learner_achieved_tflops", learner_tflops},
      {"baseline_achieved_tflops", baseline_tflops},
      {"entropy_check", entropy}};
  if (o.device.is_cuda()) {
    r["mfu"] = learner_tflops / o.peak_tflops;
    r["baseline_mfu"] = baseline_tflops / o.peak_tflops;
  } else {
    r["learner_peak_rss_mb"] = learner_peak_mb;
    r["baseline_peak_rss_mb"] = baseline_peak_mb;
  }
  if (o.skip_baseline) {
    for (const char* k : {"baseline_tokens_per_s", "baseline_achieved_tflops", "baseline_mfu",
                          "baseline_peak_rss_mb"}) {
      if (r.contains(k)) r[k] = nullptr;
    }
  }
  return r;
}

Json Qwen05bShape(int64_t layers) {
  return Json{{"model_type", "qwen2"},       {"vocab_size", 151936},
              {"hidden_size", 896},          {"intermediate_size", 4864},
              {"num_hidden_layers", layers}, {"num_attention_heads", 14},
              {"num_key_value_heads", 2},    {"max_position_embeddings", 32768},
              {"rope_theta", 1000000.0},     {"tie_word_embeddings", true}};
}

int RunBenchLearner(int argc, char** argv) {
  CLI::App app{"training tokens/s of the GRPO learner vs a plain LibTorch step",
               "rlzero bench learner"};
  LearnerBenchOptions o;
  int layers = 2;
  std::string only, device = "cpu";
  app.add_option("--steps", o.steps, "timed steps per config (after one warm-up step)");
  app.add_option("--layers", layers,
                 "layers of the qwen2.5-0.5b-shape config (the real model: 24)");
  app.add_option("--only", only, "run only this config: tiny | qwen2.5-0.5b-shape | qwen2.5-0.5b");
  app.add_option("--device", device, "cpu | cuda | cuda:N (default cpu)");
  app.add_option("--autocast", o.autocast, "off | bfloat16: forward under autocast (default off)");
  app.add_option("--logprob-chunk", o.logprob_chunk,
                 "the learner's grpo.logprob_chunk_tokens (default 0 = full logits)");
  app.add_option("--batch", o.batch, "rows per step (default: the config's, 8 tiny / 2 others)");
  app.add_flag("--skip-baseline", o.skip_baseline,
               "learner only (its peak RSS is then the process's, not the plain step's)");
  app.add_option("--peak-tflops", o.peak_tflops,
                 "device peak dense bf16 TFLOP/s for mfu (default 989, H100 SXM)");
  return RunApp(app, argc, argv, [&]() -> int {
    const char* cmd = "rlzero bench learner";
    auto dev = ParseDevice(device);
    if (!dev.ok()) return ReportError(cmd, dev.status().WithContext("--device"));
    o.device = *dev;
    auto autocast = ParseAutocastDtype(o.autocast);
    if (!autocast.ok()) return ReportError(cmd, autocast.status().WithContext("--autocast"));
    o.autocast_dtype = *autocast;
    if (o.steps < 1) return ReportError(cmd, InvalidArgument("--steps must be >= 1"));
    if (o.batch < 0)
      return ReportError(cmd, InvalidArgument("--batch must be >= 0 (0 = the config's)"));
    if (layers < 1) return ReportError(cmd, InvalidArgument("--layers must be >= 1"));
    if (o.logprob_chunk < 0) {
      return ReportError(cmd, InvalidArgument("--logprob-chunk must be >= 0 (0 = full logits)"));
    }
    if (!(o.peak_tflops > 0)) return ReportError(cmd, InvalidArgument("--peak-tflops must be > 0"));
    std::vector<LearnerBenchShape> shapes = {
        {"tiny",
         Json{{"model_type", "qwen2"},
              {"vocab_size", 64},
              {"hidden_size", 128},
              {"intermediate_size", 384},
              {"num_hidden_layers", 4},
              {"num_attention_heads", 4},
              {"num_key_value_heads", 2},
              {"max_position_embeddings", 512},
              {"tie_word_embeddings", true}},
         8, 32, 96},
        {"qwen2.5-0.5b-shape", Qwen05bShape(layers), 2, 32, 96},
        {"qwen2.5-0.5b", Qwen05bShape(24), 2, 32, 96},
    };
    bool known = only.empty();
    for (const auto& s : shapes) known = known || s.name == only;
    if (!known) {
      return ReportError(cmd, InvalidArgument("--only: unknown config '" + only +
                                              "' (tiny | qwen2.5-0.5b-shape | qwen2.5-0.5b)"));
    }
    Json results = Json::array();
    for (const LearnerBenchShape& s : shapes) {
      if (!only.empty() && only != s.name) continue;
      // The full model takes minutes per step on a CPU: only when asked.
      if (only.empty() && s.name == "qwen2.5-0.5b" && !o.device.is_cuda()) continue;
      std::fprintf(stderr, "bench learner: %s ...\n", s.name.c_str());
      try {
        StatusOr<Json> r = BenchLearnerShape(s, o);
        if (!r.ok()) return ReportError(cmd, r.status());
        results.push_back(*r);
      } catch (const c10::Error& e) {
        return ReportError(cmd, Internal(s.name + ": " + e.what_without_backtrace()));
      }
    }
    Json out = {{"bench", "learner"},
                {"device", o.device.str()},
                {"dtype", "float32"},
                {"autocast", o.autocast},
                {"logprob_chunk_tokens", o.logprob_chunk},
                {"threads", torch::get_num_threads()},
                {"configs", results}};
    if (o.device.is_cuda()) out["peak_tflops"] = o.peak_tflops;
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

BenchRegistrar kLearnerBench("learner", "GRPO learner training tokens/s vs a plain LibTorch step",
                             RunBenchLearner);

}  // namespace
}  // namespace rlzero::cli
