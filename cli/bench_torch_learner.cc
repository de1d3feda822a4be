// cli/bench_torch_learner.cc: `rlzero bench learner`: training tokens/s of the
// GRPO learner (Learner::Update: forward, backward, AdamW step, with the
// objective, micro-batching and metrics around it) against a plain LibTorch
// training step of the same model in the same run (forward, token NLL,
// backward, torch::optim::AdamW::step), for a tiny config and a
// Qwen2.5-0.5B-shaped config (hidden 896, 14 heads / 2 KV heads, MLP 4864,
// vocabulary 151936, tied embeddings) with fewer layers than 24 by default
// (--layers) so it fits the 2-core CI machine's time. CPU float32 only; no
// MFU (that needs a GPU). Prints one JSON object on stdout.
#include <chrono>
#include <cstdio>
#include <string>

#include "cli/app.h"
#include "cli/bench_registry.h"
#include "learner/learner.h"
#include "learner/token_logprobs.h"
#include "policy/model_io.h"

namespace rlzero::cli {
namespace {

struct BenchShape {
  std::string name;
  Json config;
  int64_t batch;
  int64_t prompt_len;
  int64_t completion_len;
};

std::vector<TrainSample> MakeSamples(const BenchShape& s, int64_t vocab) {
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

StatusOr<Json> BenchOne(const BenchShape& shape, int steps) {
  RLZ_ASSIGN_OR_RETURN(ModelConfig config, ParseModelConfig(shape.config, shape.name));
  const int64_t tokens_per_step = shape.batch * (shape.prompt_len + shape.completion_len);
  auto samples = MakeSamples(shape, config.vocab_size);

  // Plain LibTorch step: same model, same tokens, NLL of completion tokens.
  double baseline_s = 0;
  {
    RLZ_ASSIGN_OR_RETURN(std::shared_ptr<CausalLM> model,
                         BuildModel(config, torch::kCPU, torch::kFloat32, 1));
    torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-5));
    auto c = CollateSamples(
        samples,
        [&] {
          std::vector<int> all(samples.size());
          for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
          return all;
        }(),
        torch::kCPU);
    if (!c.ok()) return c.status();
    for (int i = 0; i <= steps; ++i) {  // step 0 is warm-up
      const double t0 = LearnerBenchClockS();
      opt.zero_grad();
      auto [logp, ent] = ForwardLogProbs(*model, c->input_ids, c->targets, EntropyMode::kNone);
      torch::Tensor loss = -(logp * c->mask).sum() / c->mask.sum();
      loss.backward();
      opt.step();
      if (i > 0) baseline_s += LearnerBenchClockS() - t0;
    }
  }
  // The learner.
  double learner_s = 0;
  double entropy = 0;
  {
    RLZ_ASSIGN_OR_RETURN(std::shared_ptr<CausalLM> model,
                         BuildModel(config, torch::kCPU, torch::kFloat32, 1));
    GrpoConfig grpo;
    OptimConfig optim;
    optim.lr = optim.schedule.lr = 1e-5;
    RLZ_ASSIGN_OR_RETURN(std::unique_ptr<Learner> learner,
                         Learner::Create(model, nullptr, grpo, optim, shape.completion_len));
    for (int i = 0; i <= steps; ++i) {
      const double t0 = LearnerBenchClockS();
      RLZ_ASSIGN_OR_RETURN(UpdateMetrics m, learner->Update(samples, i));
      if (i > 0) learner_s += LearnerBenchClockS() - t0;
      entropy = m.entropy;
    }
  }
  int64_t params = 0;
  {
    RLZ_ASSIGN_OR_RETURN(std::shared_ptr<CausalLM> model,
                         BuildModel(config, torch::kCPU, torch::kFloat32, 1));
    for (auto& p : model->parameters()) params += p.numel();
  }
  const double learner_tps = tokens_per_step * steps / learner_s;
  const double baseline_tps = tokens_per_step * steps / baseline_s;
  return Json{{"name", shape.name},
              {"parameters", params},
              {"layers", config.num_hidden_layers},
              {"batch", shape.batch},
              {"tokens_per_step", tokens_per_step},
              {"steps", steps},
              {"learner_tokens_per_s", learner_tps},
              {"baseline_tokens_per_s", baseline_tps},
              {"learner_vs_baseline", learner_tps / baseline_tps},
              {"entropy_check", entropy}};
}

int RunBenchLearner(int argc, char** argv) {
  CLI::App app{"training tokens/s of the GRPO learner vs a plain LibTorch step",
               "rlzero bench learner"};
  int steps = 3;
  int layers = 2;
  std::string only;
  app.add_option("--steps", steps, "timed steps per config (after one warm-up step)");
  app.add_option("--layers", layers, "layers of the 0.5B-shaped config (the real model has 24)");
  app.add_option("--only", only, "run only this config: tiny | qwen2.5-0.5b-shape");
  return RunApp(app, argc, argv, [&]() -> int {
    std::vector<BenchShape> shapes = {
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
        {"qwen2.5-0.5b-shape",
         Json{{"model_type", "qwen2"},
              {"vocab_size", 151936},
              {"hidden_size", 896},
              {"intermediate_size", 4864},
              {"num_hidden_layers", layers},
              {"num_attention_heads", 14},
              {"num_key_value_heads", 2},
              {"max_position_embeddings", 32768},
              {"rope_theta", 1000000.0},
              {"tie_word_embeddings", true}},
         2, 32, 96},
    };
    Json results = Json::array();
    for (const BenchShape& s : shapes) {
      if (!only.empty() && only != s.name) continue;
      std::fprintf(stderr, "bench learner: %s ...\n", s.name.c_str());
      auto r = BenchOne(s, steps);
      if (!r.ok()) return ReportError("bench learner", r.status());
      results.push_back(*r);
    }
    Json out = {{"bench", "learner"},
                {"device", "cpu"},
                {"dtype", "float32"},
                {"threads", torch::get_num_threads()},
                {"note", "0.5B-shaped config uses --layers of 24 layers; no MFU without a GPU"},
                {"configs", results}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

BenchRegistrar kLearnerBench("learner", "GRPO learner training tokens/s vs a plain LibTorch step",
                             RunBenchLearner);

}  // namespace
}  // namespace rlzero::cli
