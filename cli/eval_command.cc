// cli/eval_command.cc: `rlzero eval --model DIR --task NAME --data FILE
// [--samples k] [--temperature T]`: pass@1 and unbiased pass@k of a model on a
// task JSONL with the same verifiers, sampler and prompt templates as `rlzero
// train`; one JSON summary on stdout, progress on stderr.
#include <cstdio>
#include <sstream>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/rollout_engine_flags.h"
#include "learner/trainer/engine_rollout_source.h"
#include "learner/trainer/evaluator.h"
#include "learner/trainer/reward_scorer.h"
#include "learner/trainer/task_prompts.h"
#include "policy/model_io.h"
#include "policy/stop_tokens.h"

namespace rlzero::cli {

int RunEval(int argc, char** argv) {
  CLI::App app{"pass@1 / pass@k of a model on a task with the verifiers", "rlzero eval"};
  std::string model_dir, task, data, tmpl = "r1_zero", id_key = "id", device = "cpu",
                                     dtype = "float32", options_json = "{}";
  int samples = 1, max_new_tokens = 256;
  int64_t max_prompts = 0, max_batch = 64;
  double temperature = 0.0, top_p = 1.0;
  uint64_t seed = 0;
  std::vector<int64_t> ks;
  std::vector<std::string> stop;
  app.add_option("--model", model_dir, "model dir (HF layout)")->required();
  app.add_option("--task", task, "verifier scoring correctness (countdown, math, code, ...)")
      ->required();
  app.add_option("--data", data, "task JSONL (rlzero data ... output)")->required();
  app.add_option("--samples", samples, "completions per prompt (n)")->capture_default_str();
  app.add_option("--temperature", temperature, "0 = greedy")->capture_default_str();
  app.add_option("--top-p", top_p, "nucleus sampling")->capture_default_str();
  app.add_option("--k", ks, "pass@k to report (default 1 and --samples)");
  app.add_option("--template", tmpl, "prompt template: built-in name or text with {fields}")
      ->capture_default_str();
  app.add_option("--id-key", id_key, "record field naming the prompt")->capture_default_str();
  app.add_option("--max-new-tokens", max_new_tokens, "per completion")->capture_default_str();
  app.add_option("--stop", stop, "stop strings");
  app.add_option("--max-prompts", max_prompts, "evaluate only the first N (0 = all)");
  app.add_option("--max-batch", max_batch, "sequences decoded together")->capture_default_str();
  RolloutEngineOptions engine_flags;  // --cuda-graphs, --device-sampling
  cli::AddRolloutEngineFlags(app, &engine_flags);
  app.add_option("--verifier-options", options_json, "the verifier's options as JSON");
  app.add_option("--seed", seed, "sampling seed")->capture_default_str();
  app.add_option("--device", device, "cpu | cuda")->capture_default_str();
  app.add_option("--dtype", dtype, "float32 | bfloat16 | float16")->capture_default_str();
  return RunApp(app, argc, argv, [&]() -> int {
    const std::string cmd = "rlzero eval";
    if (samples < 1) return ReportError(cmd, InvalidArgument("--samples must be >= 1"));
    Json options = Json::parse(options_json, nullptr, /*allow_exceptions=*/false);
    if (options.is_discarded() || !options.is_object())
      return ReportError(cmd, InvalidArgument("--verifier-options: not a JSON object"));
    auto dev = ParseDevice(device);
    if (!dev.ok()) return ReportError(cmd, dev.status());
    auto dt = ParseDtype(dtype);
    if (!dt.ok()) return ReportError(cmd, dt.status());
    auto loaded = LoadModel(model_dir, *dev, *dt);
    if (!loaded.ok()) return ReportError(cmd, loaded.status());
    auto tok = Tokenizer::Load(model_dir);
    if (!tok.ok()) return ReportError(cmd, tok.status());
    auto prompts = ReadTaskPrompts(data, tmpl, id_key, **tok, max_prompts);
    if (!prompts.ok()) return ReportError(cmd, prompts.status());

    ConfigReader rewards_reader(
        Json{{"rewards",
              Json::array({{{"name", "correctness"}, {"verifier", task}, {"options", options}}})}},
        "--task");
    auto rewards = rewards::RewardsConfig::FromConfig(rewards_reader);
    if (!rewards.ok()) return ReportError(cmd, rewards.status());
    if (Status s = rewards_reader.Finish(); !s.ok()) return ReportError(cmd, s);
    auto scorer = RewardScorer::Create(*rewards);
    if (!scorer.ok()) return ReportError(cmd, scorer.status());

    const Tokenizer* t = tok->get();
    RolloutEngineOptions eo = engine_flags;
    eo.max_batch = max_batch;
    eo.eos_token_ids = StopTokenIds(loaded->config, t);
    if (Status s = eo.Validate(); !s.ok()) return ReportError(cmd, s);
    SamplingParams params;
    params.temperature = temperature;
    params.top_p = top_p;
    params.max_new_tokens = max_new_tokens;
    params.stop = stop;
    if (Status s = params.Validate(); !s.ok()) return ReportError(cmd, s);
    loaded->model->eval();
    EngineRolloutSource sampler(
        std::make_unique<RolloutEngine>(
            loaded->model, eo,
            [t](const std::vector<int32_t>& ids) { return t->Decode(ids, true); }),
        params);
    if (ks.empty()) ks = {1, samples};
    auto r = Evaluate(*prompts, sampler, **scorer, samples, ks, seed);
    if (!r.ok()) return ReportError(cmd, r.status());
    Json pass = Json::object();
    for (const auto& [k, v] : r->pass_at_k) pass[std::to_string(k)] = v;
    Json out = {{"task", task},
                {"model", model_dir},
                {"data", data},
                {"prompts", r->prompts},
                {"samples", samples},
                {"temperature", temperature},
                {"pass@1", r->pass_at_k.count(1) ? Json(r->pass_at_k.at(1)) : Json(nullptr)},
                {"pass@k", pass},
                {"mean_reward", r->mean_reward},
                {"mean_response_tokens", r->mean_response_tokens},
                {"truncated_frac", r->truncated_frac}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

}  // namespace rlzero::cli
