// learner/trainer/train_job.cc: building the parts of `rlzero train` and
// running the Trainer (see header).
#include "learner/trainer/train_job.h"

#include <thread>

#include "learner/trainer/remote_rollout_source.h"
#include "learner/trainer/rollout_worker_processes.h"
#include "rollout/learner_service.h"
#include "rollout/remote_rollout_pool.h"
#include "rpc/server_runner.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "inspect/metrics_sink.h"
#include "inspect/rollout_writer.h"
#include "data/jsonl.h"
#include "data/prompt_template.h"
#include "learner/trainer/engine_rollout_source.h"
#include "learner/trainer/reward_scorer.h"
#include "learner/trainer/task_prompts.h"
#include "learner/trainer/evaluator.h"
#include "inspect/report_data.h"
#include "inspect/report_page.h"
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
  data.Get("template", &c.prompt_template);
  data.Get("id_key", &c.id_key);
  data.Get("shuffle", &c.shuffle);
  if (c.train_file.empty()) data.RecordError("train_file", "required (a JSONL file)");
  ConfigReader rollout = config.Section("rollout");
  rollout.Get("sampler", &c.sampler);
  rollout.Get("max_batch", &c.max_batch);
  c.sampling = SamplingParams::FromConfig(rollout);
  if (c.sampler != "engine" && c.sampler != "naive") {
    rollout.RecordError("sampler", "must be engine or naive");
  }
  if (c.max_batch < 1) rollout.RecordError("max_batch", "must be >= 1");
  RLZ_ASSIGN_OR_RETURN(c.rewards, rewards::RewardsConfig::FromConfig(config));
  if (c.rewards.by_task.empty()) {
    config.RecordError("rewards", "required: a list of reward components");
  }
  ConfigReader eval = config.Section("eval");
  eval.Get("file", &c.eval_file);
  eval.Get("max_prompts", &c.eval_max_prompts);
  eval.Get("template", &c.eval_template);
  if (c.eval_max_prompts < 0) eval.RecordError("max_prompts", "must be >= 0 (0 = all)");
  ConfigReader trainer = config.Section("trainer");
  RLZ_ASSIGN_OR_RETURN(c.trainer, TrainerConfig::FromConfig(trainer));
  ConfigReader grpo = config.Section("grpo");
  RLZ_ASSIGN_OR_RETURN(c.grpo, GrpoConfig::FromConfig(grpo));
  ConfigReader optim = config.Section("optim");
  RLZ_ASSIGN_OR_RETURN(c.optim, OptimConfig::FromConfig(optim));
  ConfigReader moe = config.Section("moe");
  RLZ_ASSIGN_OR_RETURN(c.moe, MoeBalanceConfig::FromConfig(moe));
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
  RLZ_ASSIGN_OR_RETURN(std::vector<TaskPrompt> prompts,
                       ReadTaskPrompts(job.train_file, job.prompt_template, job.id_key, *tokenizer));
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<Learner> learner,
                       Learner::Create(policy.model, reference, job.grpo, job.optim,
                                       job.sampling.max_new_tokens, job.moe));

  ListPromptSource prompt_source(std::move(prompts), job.trainer.seed, job.shuffle);
  std::vector<int32_t> eos;
  for (int64_t id : policy.config.eos_token_ids) eos.push_back(static_cast<int32_t>(id));
  if (tokenizer->eos_id()) eos.push_back(*tokenizer->eos_id());
  const Tokenizer* tok = tokenizer.get();
  auto decode = [tok](const std::vector<int32_t>& ids) { return tok->Decode(ids, true); };
  std::unique_ptr<RolloutSource> rollouts;
  // Remote topology (--rollout-workers N): declared here so it outlives the trainer.
  std::unique_ptr<RemoteRolloutPool> pool;
  std::unique_ptr<LearnerServiceImpl> learner_service;
  std::unique_ptr<rpc::ServerRunner> learner_server;
  std::unique_ptr<RolloutWorkerProcesses> workers;
  if (flags.rollout_workers > 0) {
    std::error_code mk;
    fs::create_directories(flags.run_dir, mk);
    const std::string token_file = flags.run_dir + "/auth_token";
    RLZ_ASSIGN_OR_RETURN(std::string token, rpc::WriteNewTokenFile(token_file));
    rpc::TokenAuth auth = rpc::TokenAuth::FromToken(token);
    pool = std::make_unique<RemoteRolloutPool>(auth, RemoteRolloutPoolOptions{});
    learner_service = std::make_unique<LearnerServiceImpl>(pool.get(), auth, policy.config.model_type);
    learner_server = std::make_unique<rpc::ServerRunner>();
    rpc::ServerOptions so;
    so.role = "learner";
    so.listen = "127.0.0.1:0";
    so.auth_token_file = token_file;
    RLZ_ASSIGN_OR_RETURN(std::string address, learner_server->Start(so, {learner_service.get()}));
    RolloutWorkerLaunch launch;
    launch.rlzero_binary = SiblingRlzeroBinary();
    launch.model_dir = job.model_path;
    launch.learner_address = address;
    launch.auth_token_file = token_file;
    launch.device = job.device;
    launch.dtype = job.dtype;
    launch.log_dir = flags.run_dir;
    workers = std::make_unique<RolloutWorkerProcesses>(launch);
    RLZ_RETURN_IF_ERROR(workers->Start(flags.rollout_workers));
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (pool->live_workers() < flags.rollout_workers) {
      if (std::chrono::steady_clock::now() > give_up)
        return Unavailable("only " + std::to_string(pool->live_workers()) + " of " +
                           std::to_string(flags.rollout_workers) +
                           " rollout workers registered within 180 s (see " + flags.run_dir +
                           "/rollout-worker-*.log)");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::fprintf(stderr, "learner %s: %d rollout workers joined\n", address.c_str(),
                 flags.rollout_workers);
    rollouts = std::make_unique<RemoteRolloutSource>(policy.model, pool.get(), job.sampling);
  } else if (job.sampler == "naive") {
    NaiveSamplerOptions so;
    so.temperature = job.sampling.temperature;
    so.max_new_tokens = job.sampling.max_new_tokens;
    so.eos_token_ids = eos;
    so.decode = decode;
    rollouts = std::make_unique<NaiveRolloutSource>(policy.model, so);
  } else {
    RolloutEngineOptions eo;
    eo.max_batch = job.max_batch;
    eo.eos_token_ids = eos;
    RLZ_RETURN_IF_ERROR(eo.Validate());
    rollouts = std::make_unique<EngineRolloutSource>(
        std::make_unique<RolloutEngine>(policy.model, eo, decode), job.sampling);
  }
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<RewardScorer> scorer, RewardScorer::Create(job.rewards));

  // Held-out greedy evaluation, before training and at the end, on the very
  // module being trained (an in-process engine, whatever the sampler).
  std::vector<TaskPrompt> eval_prompts;
  std::unique_ptr<EngineRolloutSource> greedy;
  if (!job.eval_file.empty()) {
    RLZ_ASSIGN_OR_RETURN(
        eval_prompts,
        ReadTaskPrompts(job.eval_file, job.eval_template.empty() ? job.prompt_template : job.eval_template,
                        job.id_key, *tokenizer, job.eval_max_prompts));
    RolloutEngineOptions geo;
    geo.max_batch = job.max_batch;
    geo.eos_token_ids = eos;
    SamplingParams gp = job.sampling;
    gp.temperature = 0.0;
    gp.top_p = 1.0;
    gp.top_k = 0;
    gp.min_p = 0.0;
    greedy = std::make_unique<EngineRolloutSource>(
        std::make_unique<RolloutEngine>(policy.model, geo, decode), gp);
  }
  auto evaluate = [&](const char* when) -> StatusOr<double> {
    const auto t0 = std::chrono::steady_clock::now();
    RLZ_ASSIGN_OR_RETURN(EvalResult r,
                         Evaluate(eval_prompts, *greedy, *scorer, 1, {1}, job.trainer.seed));
    std::fprintf(stderr,
                 "eval %s: greedy pass@1 %.3f on %lld held-out prompts (reward %.3f, length %.1f, "
                 "%.1fs)\n",
                 when, r.pass_at_k[1], static_cast<long long>(r.prompts), r.mean_reward,
                 r.mean_response_tokens,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return r.pass_at_k[1];
  };
  const auto job_start = std::chrono::steady_clock::now();

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
  deps.rollouts = rollouts.get();
  deps.scorer = scorer.get();
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
    if (workers) {
      int restarted = workers->RestartDead();
      if (restarted > 0)
        std::fprintf(stderr, "restarted %d rollout worker(s); they rejoin the pool\n", restarted);
    }
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
  double accuracy_before = -1.0;
  const std::string before_path = flags.run_dir + "/eval_before.json";
  if (greedy) {
    std::ifstream prev(before_path);
    Json pj = Json::parse(prev, nullptr, /*allow_exceptions=*/false);
    if (flags.resume && pj.is_object() && pj.contains("accuracy")) {
      accuracy_before = pj["accuracy"].get<double>();
    } else {
      RLZ_ASSIGN_OR_RETURN(accuracy_before, evaluate("before training"));
      std::ofstream(before_path) << Json{{"accuracy", accuracy_before}}.dump() << "\n";
    }
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
  if (!outcome->interrupted) {
    Json summary = {{"steps", outcome->steps_done}, {"run_dir", flags.run_dir}};
    if (greedy) {
      RLZ_ASSIGN_OR_RETURN(double accuracy_after, evaluate("after training"));
      summary["accuracy_before"] = accuracy_before;
      summary["accuracy_after"] = accuracy_after;
    } else {
      summary["accuracy_before"] = nullptr;
      summary["accuracy_after"] = nullptr;
    }
    summary["wall_seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - job_start).count();
    std::ofstream(flags.run_dir + "/summary.json") << summary.dump(2) << "\n";
    std::string report = flags.run_dir + "/report.html";
    auto data = inspect::BuildReportData(flags.run_dir, inspect::ReportOptions{});
    if (data.ok()) {
      std::ofstream(report) << inspect::RenderReportHtml(*data, "rlzero: " + flags.run_dir, false);
    } else {
      report = "(not written: " + data.status().message() + ")";
    }
    if (greedy)
      std::fprintf(stderr, "held-out accuracy: %.1f%% before -> %.1f%% after; report: %s\n",
                   100 * summary["accuracy_before"].get<double>(),
                   100 * summary["accuracy_after"].get<double>(), report.c_str());
    else
      std::fprintf(stderr, "report: %s\n", report.c_str());
  }
  return outcome->interrupted ? 128 + g_signal.load() : 0;
}

}  // namespace rlzero
