// learner/trainer/train_job.cc: building the parts of `rlzero train` and
// running the Trainer (see header).
#include "learner/trainer/train_job.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "base/file_contents.h"
#include "inspect/metrics_sink.h"
#include "inspect/report_data.h"
#include "inspect/report_page.h"
#include "inspect/rollout_writer.h"
#include "inspect/run_plots.h"
#include "learner/distributed/model_sync.h"
#include "learner/trainer/engine_rollout_source.h"
#include "learner/trainer/evaluator.h"
#include "learner/trainer/policy_checkpoint_io.h"
#include "learner/trainer/reward_scorer.h"
#include "learner/trainer/rollout_topology.h"
#include "learner/trainer/task_prompts.h"
#include "policy/model_io.h"
#include "policy/stop_tokens.h"
#include "policy/tokenizer/tokenizer.h"
#include "rollout/rollout_engine.h"
#include "telemetry/metrics_http_server.h"

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
  rollout.Get("cuda_graphs", &c.cuda_graphs);
  c.sampling = SamplingParams::FromConfig(rollout);
  if (c.sampler != "engine" && c.sampler != "naive") {
    rollout.RecordError("sampler", "must be engine or naive");
  }
  if (c.max_batch < 1) rollout.RecordError("max_batch", "must be >= 1");
  if (!ValidateEngineSwitch("cuda_graphs", c.cuda_graphs).ok())
    rollout.RecordError("cuda_graphs", "must be auto, on or off");
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
  ConfigReader dist = config.Section("distributed");
  dist.Get("backend", &c.distributed.backend);
  dist.Get("timeout_ms", &c.distributed.timeout_ms);
  if (c.distributed.backend != "auto" && c.distributed.backend != "gloo" &&
      c.distributed.backend != "nccl") {
    dist.RecordError("backend", "must be auto, gloo or nccl");
  }
  if (c.distributed.timeout_ms <= 0) dist.RecordError("timeout_ms", "must be > 0");
  ConfigReader sync = config.Section("weight_sync");
  sync.Get("transport", &c.weight_transport);
  sync.Get("backend", &c.weight_backend);
  sync.Get("timeout_ms", &c.weight_timeout_ms);
  if (c.weight_transport != "stream" && c.weight_transport != "collective")
    sync.RecordError("transport", "must be stream or collective");
  if (c.weight_backend != "auto" && c.weight_backend != "gloo" && c.weight_backend != "nccl")
    sync.RecordError("backend", "must be auto, gloo or nccl");
  if (c.weight_timeout_ms <= 0) sync.RecordError("timeout_ms", "must be > 0");
  ConfigReader metrics = config.Section("metrics");
  metrics.Get("listen", &c.metrics_listen);
  if (!c.metrics_listen.empty()) {
    std::string host;
    int port = 0;
    Status s = telemetry::ParseHttpListenAddress(c.metrics_listen, &host, &port);
    if (!s.ok()) metrics.RecordError("listen", s.message());
  }
  ConfigReader moe = config.Section("moe");
  RLZ_ASSIGN_OR_RETURN(c.moe, MoeBalanceConfig::FromConfig(moe));
  return c;
}

namespace {

// The data-parallel group of this process (a no-op group for one process),
// with rank 0's weights in `policy`.
StatusOr<std::unique_ptr<DataParallelGroup>> JoinDataParallelGroup(const TrainJobConfig& job,
                                                                   torch::Device device,
                                                                   CausalLM& policy) {
  RLZ_ASSIGN_OR_RETURN(DistributedContext ctx, DistributedContextFromEnvironment());
  DataParallelOptions options = job.distributed;
  options.cuda_tensors = device.is_cuda();
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<DataParallelGroup> group,
                       DataParallelGroup::Create(ctx, options));
  if (ctx.distributed()) {
    std::fprintf(stderr, "data parallel: %s, backend %s\n", ctx.ToString().c_str(),
                 group->backend_name().c_str());
    RLZ_RETURN_IF_ERROR(
        BroadcastModuleState(*group, policy).WithContext("taking rank 0's initial weights"));
  }
  return group;
}

// summary.json and report.html after a finished run (rank 0).
Status WriteSummaryAndReport(const TrainJobFlags& flags, int64_t steps, double accuracy_before,
                             std::optional<double> accuracy_after, double wall_seconds,
                             double train_seconds) {
  Json summary = {{"steps", steps}, {"run_dir", flags.run_dir}};
  summary["accuracy_before"] = accuracy_after ? Json(accuracy_before) : Json(nullptr);
  summary["accuracy_after"] = accuracy_after ? Json(*accuracy_after) : Json(nullptr);
  // wall_seconds: the whole job (load, both evaluations, training);
  // train_seconds: the training steps alone (this invocation's, if resumed).
  summary["wall_seconds"] = wall_seconds;
  summary["train_seconds"] = train_seconds;
  RLZ_RETURN_IF_ERROR(WriteFileContents(flags.run_dir + "/summary.json", summary.dump(2) + "\n"));
  std::string report = flags.run_dir + "/report.html";
  auto data = inspect::BuildReportData(flags.run_dir, inspect::ReportOptions{});
  if (data.ok()) {
    RLZ_RETURN_IF_ERROR(WriteFileContents(
        report, inspect::RenderReportHtml(*data, "rlzero: " + flags.run_dir, false)));
  } else {
    report = "(not written: " + data.status().message() + ")";
  }
  // Reward, accuracy and response length over steps as standalone SVGs.
  auto plots = inspect::WriteRunPlots(flags.run_dir);
  if (!plots.ok()) {
    std::fprintf(stderr, "plots not written: %s\n", plots.status().ToString().c_str());
  }
  if (accuracy_after)
    std::fprintf(stderr, "held-out accuracy: %.1f%% before -> %.1f%% after; report: %s\n",
                 100 * accuracy_before, 100 * *accuracy_after, report.c_str());
  else
    std::fprintf(stderr, "report: %s\n", report.c_str());
  return Status::Ok();
}

}  // namespace

StatusOr<int> RunTrainJob(const TrainJobConfig& job_in, const TrainJobFlags& flags) {
  TrainJobConfig job = job_in;
  // The cosine horizon is the config's trainer.max_steps (or its own
  // total_steps), fixed before --max-steps: the flag only says where this
  // invocation stops, so a run stopped at N/2 and resumed to N follows the
  // same learning-rate curve as one run to N (bitwise-identical weights).
  if (job.optim.schedule.kind == "cosine" && job.optim.schedule.total_steps == 0) {
    job.optim.schedule.total_steps = job.trainer.max_steps;
  }
  if (flags.max_steps >= 0) job.trainer.max_steps = flags.max_steps;
  RLZ_RETURN_IF_ERROR(ValidateLrSchedule(job.optim.schedule));
  if (!flags.resume && LatestCheckpoint(flags.run_dir).has_value()) {
    return FailedPrecondition(flags.run_dir +
                              ": holds checkpoints already; pass --resume or use a new run dir");
  }
  RLZ_ASSIGN_OR_RETURN(torch::Device device, ParseDevice(job.device));
  RLZ_ASSIGN_OR_RETURN(torch::ScalarType dtype, ParseDtype(job.dtype));
  std::unique_ptr<telemetry::MetricsHttpServer> metrics_http;
  if (!job.metrics_listen.empty()) {
    metrics_http = std::make_unique<telemetry::MetricsHttpServer>();
    RLZ_RETURN_IF_ERROR(metrics_http->Start(job.metrics_listen).status());
  }
  RLZ_ASSIGN_OR_RETURN(LoadedModel policy, LoadModel(job.model_path, device, dtype));
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<DataParallelGroup> group,
                       JoinDataParallelGroup(job, device, *policy.model));
  // Rank 0 is the controller: prompts, rollouts, rewards, evaluation, run dir.
  const bool controller = group->is_rank_zero();
  std::shared_ptr<CausalLM> reference;
  if (job.grpo.objective.beta > 0.0) {
    RLZ_ASSIGN_OR_RETURN(LoadedModel ref, LoadModel(job.model_path, device, dtype));
    reference = ref.model;
    if (group->world_size() > 1) RLZ_RETURN_IF_ERROR(BroadcastModuleState(*group, *reference));
  }
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<Learner> learner,
                       Learner::Create(policy.model, reference, job.grpo, job.optim,
                                       job.sampling.max_new_tokens, job.moe, group.get()));

  std::unique_ptr<Tokenizer> tokenizer;
  std::unique_ptr<ListPromptSource> prompt_source;
  std::unique_ptr<RolloutTopology> topology;
  std::unique_ptr<RewardScorer> scorer;
  std::vector<TaskPrompt> eval_prompts;
  std::unique_ptr<EngineRolloutSource> greedy;  // held-out evaluation (greedy pass@1)
  std::unique_ptr<inspect::RunMetricsSink> metrics;
  std::unique_ptr<inspect::RolloutWriter> store;
  if (controller) {
    RLZ_ASSIGN_OR_RETURN(tokenizer, Tokenizer::Load(job.model_path));
    RLZ_ASSIGN_OR_RETURN(
        std::vector<TaskPrompt> prompts,
        ReadTaskPrompts(job.train_file, job.prompt_template, job.id_key, *tokenizer));
    prompt_source =
        std::make_unique<ListPromptSource>(std::move(prompts), job.trainer.seed, job.shuffle);
    const std::vector<int32_t> eos = StopTokenIds(policy.config, tokenizer.get());
    const Tokenizer* tok = tokenizer.get();
    DecodeFn decode = [tok](const std::vector<int32_t>& ids) { return tok->Decode(ids, true); };

    RolloutTopologyOptions to;
    to.sampler = job.sampler;
    to.max_batch = job.max_batch;
    to.cuda_graphs = job.cuda_graphs;
    to.sampling = job.sampling;
    to.eos_token_ids = eos;
    to.decode = decode;
    to.policy = policy.model;
    to.model_type = policy.config.model_type;
    to.spawn_workers = flags.rollout_workers;
    to.model_path = job.model_path;
    to.device = job.device;
    to.dtype = job.dtype;
    to.run_dir = flags.run_dir;
    to.listen = flags.listen_for_workers;
    to.server = flags.server;
    to.client = flags.client;
    to.min_workers = flags.min_workers;
    to.wait_workers_ms = flags.wait_workers_ms;
    to.max_staleness = job.trainer.max_staleness;
    to.weight_transport = job.weight_transport;
    to.weight_backend =
        job.weight_backend == "auto" ? (device.is_cuda() ? "nccl" : "gloo") : job.weight_backend;
    to.weight_timeout_ms = job.weight_timeout_ms;
    if (to.max_staleness > 0 && flags.rollout_workers == 0 && !flags.listen_for_workers) {
      // Async in-process: the sampler gets its own copy of the weights.
      RLZ_ASSIGN_OR_RETURN(LoadedModel copy, LoadModel(job.model_path, device, dtype));
      to.sampling_copy = copy.model;
    }
    RLZ_ASSIGN_OR_RETURN(topology, RolloutTopology::Start(to));
    RLZ_ASSIGN_OR_RETURN(scorer, RewardScorer::Create(job.rewards));

    // Held-out greedy evaluation, before training and at the end, on the very
    // module being trained (an in-process engine, whatever the sampler).
    if (!job.eval_file.empty()) {
      RLZ_ASSIGN_OR_RETURN(
          eval_prompts,
          ReadTaskPrompts(job.eval_file,
                          job.eval_template.empty() ? job.prompt_template : job.eval_template,
                          job.id_key, *tokenizer, job.eval_max_prompts));
      RolloutEngineOptions geo;
      geo.max_batch = job.max_batch;
      geo.cuda_graphs = job.cuda_graphs;
      geo.eos_token_ids = eos;
      SamplingParams gp = job.sampling;
      gp.temperature = 0.0;
      gp.top_p = 1.0;
      gp.top_k = 0;
      gp.min_p = 0.0;
      greedy = std::make_unique<EngineRolloutSource>(
          std::make_unique<RolloutEngine>(policy.model, geo, decode), gp);
    }
    std::error_code ec;
    fs::create_directories(flags.run_dir, ec);
    RLZ_ASSIGN_OR_RETURN(metrics, inspect::RunMetricsSink::Open(flags.run_dir));
    RLZ_ASSIGN_OR_RETURN(store,
                         inspect::RolloutWriter::Open(inspect::RolloutStorePath(flags.run_dir)));
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

  TrainerDeps deps;
  deps.policy = policy.model;
  deps.learner = std::move(learner);
  deps.prompts = prompt_source.get();
  deps.rollouts = topology ? topology->source() : nullptr;
  deps.scorer = scorer.get();
  deps.group = group.get();
  CausalLM* model = policy.model.get();
  const ModelConfig model_config = policy.config;
  const std::string base = job.model_path;
  deps.save_model = [model, model_config, base](const std::string& dir) {
    return SavePolicyCheckpoint(dir, model_config, *model, base);
  };
  deps.load_model = [model](const std::string& dir) {
    return LoadPolicyWeightsInPlace(dir, *model);
  };
  deps.metrics = metrics.get();
  deps.rollout_store = store.get();
  deps.stop_requested = &g_stop;
  const auto start = std::chrono::steady_clock::now();
  const int64_t max_steps = job.trainer.max_steps;
  int64_t first_step = 0;
  RolloutTopology* topo = topology.get();
  if (controller) {
    deps.on_step = [&, topo](int64_t step, const std::map<std::string, double>& m) {
      topo->SetProgress(step, step);
      const int restarted = topo->RestartDeadWorkers();
      if (restarted > 0)
        std::fprintf(stderr, "restarted %d rollout worker(s); they rejoin the pool\n", restarted);
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double per_step =
          elapsed / static_cast<double>(std::max<int64_t>(1, step - first_step));
      std::fprintf(
          stderr,
          "step %lld/%lld  reward %.3f  acc %.3f  len %.1f  kl %.4f  %.1fs/step  ETA %.0fs\n",
          static_cast<long long>(step), static_cast<long long>(max_steps), m.at("reward/mean"),
          m.at("accuracy"), m.at("response_length/mean"), m.at("kl"), per_step,
          per_step * static_cast<double>(max_steps - step));
    };
  }
  Trainer trainer(job.trainer, std::move(deps), flags.run_dir);
  if (flags.resume) {
    Status s = trainer.Resume();
    if (!s.ok()) return s;
    first_step = trainer.step();
    if (controller)
      std::fprintf(stderr, "resumed from %s\n",
                   CheckpointDir(flags.run_dir, trainer.step()).c_str());
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
      RLZ_RETURN_IF_ERROR(
          WriteFileContents(before_path, Json{{"accuracy", accuracy_before}}.dump() + "\n"));
    }
  }
  g_stop = false;
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  const auto train_start = std::chrono::steady_clock::now();
  StatusOr<RunOutcome> outcome = trainer.Run();
  const double train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - train_start).count();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!outcome.ok()) return outcome.status();
  if (controller) {
    std::fprintf(stderr, "%s after %lld steps; checkpoint %s\n",
                 outcome->interrupted ? "stopped" : "done",
                 static_cast<long long>(outcome->steps_done),
                 CheckpointDir(flags.run_dir, outcome->steps_done).c_str());
  }
  if (controller && !outcome->interrupted) {
    std::optional<double> accuracy_after;
    if (greedy) {
      RLZ_ASSIGN_OR_RETURN(accuracy_after, evaluate("after training"));
    }
    RLZ_RETURN_IF_ERROR(WriteSummaryAndReport(
        flags, outcome->steps_done, accuracy_before, accuracy_after,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - job_start).count(),
        train_seconds));
  }
  return outcome->interrupted ? 128 + g_signal.load() : 0;
}

}  // namespace rlzero
