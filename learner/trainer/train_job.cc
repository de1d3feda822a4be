// learner/trainer/train_job.cc: building the parts of `rlzero train` and
// running the Trainer (see header).
#include "learner/trainer/train_job.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "inspect/metrics_sink.h"
#include "inspect/rollout_writer.h"
#include "learner/trainer/math_scorer.h"
#include "learner/trainer/naive_rollout_source.h"
#include "learner/trainer/policy_checkpoint_io.h"
#include "policy/model_io.h"
#include "policy/tokenizer/tokenizer.h"

namespace rlzero {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void OnStopSignal(int signo) {
  g_signal = signo;
  g_stop = true;
}

std::string Substitute(std::string tmpl, const std::string& key, const std::string& value) {
  const std::string needle = "{" + key + "}";
  for (size_t pos = tmpl.find(needle); pos != std::string::npos;
       pos = tmpl.find(needle, pos + value.size())) {
    tmpl.replace(pos, needle.size(), value);
  }
  return tmpl;
}

StatusOr<std::vector<TaskPrompt>> ReadPrompts(const TrainJobConfig& c, const Tokenizer& tok) {
  std::ifstream in(c.train_file);
  if (!in) return NotFound(c.train_file + ": cannot open (data.train_file)");
  std::vector<TaskPrompt> prompts;
  std::string line;
  int64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = c.train_file + ":" + std::to_string(lineno);
    Json j;
    try {
      j = Json::parse(line);
    } catch (const std::exception& e) {
      return InvalidArgument(where + ": not JSON: " + e.what());
    }
    if (!j.is_object() || !j.contains(c.prompt_key) || !j[c.prompt_key].is_string()) {
      return InvalidArgument(where + ": no string field \"" + c.prompt_key + "\"");
    }
    TaskPrompt p;
    p.id = j.contains(c.id_key) ? (j[c.id_key].is_string() ? j[c.id_key].get<std::string>()
                                                           : j[c.id_key].dump())
                                : std::to_string(lineno);
    p.text = Substitute(c.prompt_template, "prompt", j[c.prompt_key].get<std::string>());
    p.ids = tok.Encode(p.text);
    if (p.ids.empty()) return InvalidArgument(where + ": prompt encodes to no tokens");
    p.meta = j;
    if (c.answer_key != "answer" && j.contains(c.answer_key)) p.meta["answer"] = j[c.answer_key];
    if (p.meta.contains("answer") && !p.meta["answer"].is_string()) {
      p.meta["answer"] = p.meta["answer"].dump();
    }
    prompts.push_back(std::move(p));
  }
  if (prompts.empty()) return InvalidArgument(c.train_file + ": no prompts");
  return prompts;
}

}  // namespace

StatusOr<TrainJobConfig> TrainJobConfig::FromConfig(ConfigReader& config) {
  TrainJobConfig c;
  ConfigReader model = config.Section("model");
  model.Get("path", &c.model_path);
  model.Get("dtype", &c.dtype);
  model.Get("device", &c.device);
  if (c.model_path.empty()) model.RecordError("path", "required (an HF model dir)");
  ConfigReader data = config.Section("data");
  data.Get("train_file", &c.train_file);
  data.Get("prompt_key", &c.prompt_key);
  data.Get("answer_key", &c.answer_key);
  data.Get("id_key", &c.id_key);
  data.Get("template", &c.prompt_template);
  data.Get("shuffle", &c.shuffle);
  if (c.train_file.empty()) data.RecordError("train_file", "required (a JSONL file)");
  ConfigReader rollout = config.Section("rollout");
  rollout.Get("temperature", &c.temperature);
  rollout.Get("max_new_tokens", &c.max_new_tokens);
  if (c.temperature < 0) rollout.RecordError("temperature", "must be >= 0");
  if (c.max_new_tokens < 1) rollout.RecordError("max_new_tokens", "must be >= 1");
  ConfigReader scorer = config.Section("scorer");
  scorer.Get("verifier", &c.verifier);
  scorer.Get("fallback_last_number", &c.fallback_last_number);
  if (c.verifier != "math") scorer.RecordError("verifier", "only \"math\" in this build");
  ConfigReader trainer = config.Section("trainer");
  RLZ_ASSIGN_OR_RETURN(c.trainer, TrainerConfig::FromConfig(trainer));
  ConfigReader grpo = config.Section("grpo");
  RLZ_ASSIGN_OR_RETURN(c.grpo, GrpoConfig::FromConfig(grpo));
  ConfigReader optim = config.Section("optim");
  RLZ_ASSIGN_OR_RETURN(c.optim, OptimConfig::FromConfig(optim));
  return c;
}

StatusOr<int> RunTrainJob(const TrainJobConfig& job_in, const TrainJobFlags& flags) {
  TrainJobConfig job = job_in;
  if (flags.max_steps >= 0) job.trainer.max_steps = flags.max_steps;
  if (job.optim.schedule.kind == "cosine" && job.optim.schedule.total_steps == 0) {
    job.optim.schedule.total_steps = job.trainer.max_steps;
  }
  RLZ_RETURN_IF_ERROR(ValidateLrSchedule(job.optim.schedule));
  if (!flags.resume && LatestCheckpoint(flags.run_dir).has_value()) {
    return FailedPrecondition(flags.run_dir +
                              ": holds checkpoints already; pass --resume or use a new run dir");
  }
  RLZ_ASSIGN_OR_RETURN(torch::Device device, ParseDevice(job.device));
  RLZ_ASSIGN_OR_RETURN(torch::ScalarType dtype, ParseDtype(job.dtype));
  RLZ_ASSIGN_OR_RETURN(LoadedModel policy, LoadModel(job.model_path, device, dtype));
  std::shared_ptr<CausalLM> reference;
  if (job.grpo.objective.beta > 0.0) {
    RLZ_ASSIGN_OR_RETURN(LoadedModel ref, LoadModel(job.model_path, device, dtype));
    reference = ref.model;
  }
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<Tokenizer> tokenizer, Tokenizer::Load(job.model_path));
  RLZ_ASSIGN_OR_RETURN(std::vector<TaskPrompt> prompts, ReadPrompts(job, *tokenizer));
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<Learner> learner,
                       Learner::Create(policy.model, reference, job.grpo, job.optim,
                                       job.max_new_tokens));

  ListPromptSource prompt_source(std::move(prompts), job.trainer.seed, job.shuffle);
  NaiveSamplerOptions so;
  so.temperature = job.temperature;
  so.max_new_tokens = job.max_new_tokens;
  for (int64_t id : policy.config.eos_token_ids) so.eos_token_ids.push_back(static_cast<int32_t>(id));
  if (tokenizer->eos_id()) so.eos_token_ids.push_back(*tokenizer->eos_id());
  const Tokenizer* tok = tokenizer.get();
  so.decode = [tok](const std::vector<int32_t>& ids) { return tok->Decode(ids, true); };
  NaiveRolloutSource rollouts(policy.model, so);
  MathScorer scorer(job.fallback_last_number);

  std::error_code ec;
  fs::create_directories(flags.run_dir, ec);
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<inspect::RunMetricsSink> metrics,
                       inspect::RunMetricsSink::Open(flags.run_dir));
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<inspect::RolloutWriter> store,
                       inspect::RolloutWriter::Open(inspect::RolloutStorePath(flags.run_dir)));

  TrainerDeps deps;
  deps.policy = policy.model;
  deps.learner = std::move(learner);
  deps.prompts = &prompt_source;
  deps.rollouts = &rollouts;
  deps.scorer = &scorer;
  CausalLM* model = policy.model.get();
  const ModelConfig model_config = policy.config;
  const std::string base = job.model_path;
  deps.save_model = [model, model_config, base](const std::string& dir) {
    return SavePolicyCheckpoint(dir, model_config, *model, base);
  };
  deps.load_model = [model](const std::string& dir) { return LoadPolicyWeightsInPlace(dir, *model); };
  deps.metrics = metrics.get();
  deps.rollout_store = store.get();
  deps.stop_requested = &g_stop;
  const auto start = std::chrono::steady_clock::now();
  const int64_t max_steps = job.trainer.max_steps;
  int64_t first_step = 0;
  deps.on_step = [&](int64_t step, const std::map<std::string, double>& m) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double per_step = elapsed / static_cast<double>(std::max<int64_t>(1, step - first_step));
    std::fprintf(stderr,
                 "step %lld/%lld  reward %.3f  acc %.3f  len %.1f  kl %.4f  %.1fs/step  ETA %.0fs\n",
                 static_cast<long long>(step), static_cast<long long>(max_steps),
                 m.at("reward/mean"), m.at("accuracy"), m.at("response_length/mean"), m.at("kl"),
                 per_step, per_step * static_cast<double>(max_steps - step));
  };
  Trainer trainer(job.trainer, std::move(deps), flags.run_dir);
  if (flags.resume) {
    Status s = trainer.Resume();
    if (!s.ok()) return s;
    first_step = trainer.step();
    std::fprintf(stderr, "resumed from %s\n", CheckpointDir(flags.run_dir, trainer.step()).c_str());
  }
  g_stop = false;
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  StatusOr<RunOutcome> outcome = trainer.Run();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!outcome.ok()) return outcome.status();
  std::fprintf(stderr, "%s after %lld steps; checkpoint %s\n",
               outcome->interrupted ? "stopped" : "done",
               static_cast<long long>(outcome->steps_done),
               CheckpointDir(flags.run_dir, outcome->steps_done).c_str());
  return outcome->interrupted ? 128 + g_signal.load() : 0;
}

}  // namespace rlzero
