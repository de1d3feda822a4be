// learner/trainer/trainer.cc: the stages of a GRPO step and the run loop
// (see header).
#include "learner/trainer/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>

#include "learner/advantage_estimator.h"
#include "learner/distributed/rank_zero.h"
#include "learner/distributed/scalar_reduce.h"
#include "learner/train_sample_codec.h"
#include "telemetry/metrics_registry.h"

namespace rlzero {
namespace fs = std::filesystem;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Adds seconds to times[key] for the lifetime of the object.
class StageTimer {
 public:
  StageTimer(std::map<std::string, double>* times, const char* key)
      : times_(times), key_(key), start_(std::chrono::steady_clock::now()) {}
  ~StageTimer() { (*times_)[key_] += Seconds(start_); }

 private:
  std::map<std::string, double>* times_;
  const char* key_;
  std::chrono::steady_clock::time_point start_;
};

void MeanStd(const std::vector<double>& v, double* mean, double* std) {
  *mean = Mean(v);
  // Population std for reporting (one number over the batch).
  double ss = 0;
  for (double x : v) ss += (x - *mean) * (x - *mean);
  *std = v.empty() ? 0.0 : std::sqrt(ss / static_cast<double>(v.size()));
}

}  // namespace

StatusOr<TrainerConfig> TrainerConfig::FromConfig(ConfigReader& r) {
  TrainerConfig c;
  r.Get("max_steps", &c.max_steps);
  r.Get("prompts_per_step", &c.prompts_per_step);
  r.Get("group_size", &c.group_size);
  r.Get("dynamic_sampling", &c.dynamic_sampling);
  r.Get("max_draws", &c.max_draws);
  r.Get("save_every", &c.save_every);
  r.Get("keep_last", &c.keep_last);
  r.Get("seed", &c.seed);
  r.Get("run_id", &c.run_id);
  r.Get("max_staleness", &c.max_staleness);
  if (c.max_steps < 0) r.RecordError("max_steps", "must be >= 0");
  if (c.prompts_per_step < 1) r.RecordError("prompts_per_step", "must be >= 1");
  if (c.group_size < 2) r.RecordError("group_size", "must be >= 2 (groups are compared)");
  if (c.max_draws < 1) r.RecordError("max_draws", "must be >= 1");
  if (c.save_every < 0) r.RecordError("save_every", "must be >= 0");
  if (c.keep_last < 1) r.RecordError("keep_last", "must be >= 1");
  if (c.max_staleness < 0) r.RecordError("max_staleness", "must be >= 0 (0 = sync)");
  return c;
}

Trainer::Trainer(TrainerConfig config, TrainerDeps deps, std::string run_dir)
    : config_(std::move(config)), deps_(std::move(deps)), run_dir_(std::move(run_dir)) {
  if (config_.run_id.empty()) config_.run_id = fs::path(run_dir_).filename().string();
  group_ = deps_.group;
  if (group_ == nullptr) {
    // A world-size-1 group is a no-op (no store, no sockets) and cannot fail.
    single_process_ = std::move(DataParallelGroup::Create(DistributedContext{})).value();
    group_ = single_process_.get();
  }
}

Trainer::~Trainer() { producer_.reset(); }

uint64_t Trainer::SampleSeedAt(int64_t step, int draw) const {
  return SplitMix64(SplitMix64(config_.seed) ^
                    SplitMix64(static_cast<uint64_t>(step) * 64 + static_cast<uint64_t>(draw)));
}

// ---------------------------------------------------------------- stages

void Trainer::Admit(Group&& g, StepData* d) {
  std::vector<double> rewards;
  for (const auto& sc : g.scores) rewards.push_back(sc.reward);
  const bool keep = !config_.dynamic_sampling || !IsDegenerateGroup(rewards);
  if (keep && static_cast<int>(d->kept.size()) < config_.prompts_per_step) {
    d->kept.push_back(d->all_scored.size());
    d->staleness.push_back(std::max<int64_t>(0, state_.weights_version - g.weights_version));
  }
  d->all_scored.push_back(std::move(g));
}

Status Trainer::CollectGroups(StepData* d) {
  if (producer_) return CollectGroupsAsync(d);
  for (int draw = 0; draw < (config_.dynamic_sampling ? config_.max_draws : 1); ++draw) {
    RLZ_ASSIGN_OR_RETURN(std::vector<Group> groups,
                         SampleGroups(*deps_.prompts, *deps_.rollouts, config_.prompts_per_step,
                                      config_.group_size, SampleSeed(draw), &d->times));
    RLZ_RETURN_IF_ERROR(ScoreGroups(*deps_.scorer, &groups, &d->times));
    for (Group& g : groups) {
      if (g.weights_version < 0) g.weights_version = state_.weights_version;
      Admit(std::move(g), d);
    }
    if (static_cast<int>(d->kept.size()) >= config_.prompts_per_step) break;
  }
  return Status::Ok();
}

Status Trainer::CollectGroupsAsync(StepData* d) {
  // Batches with at least one fresh group count as draws (max_draws bounds
  // dynamic sampling as in sync mode); stale batches are replaced without
  // counting, up to a bound that only a source ignoring the published
  // weights can reach.
  constexpr int kMaxStaleBatchesPerStep = 64;
  int draws = 0, stale_batches = 0;
  const int max_draws = config_.dynamic_sampling ? config_.max_draws : 1;
  while (static_cast<int>(d->kept.size()) < config_.prompts_per_step && draws < max_draws) {
    StatusOr<ProducedBatch> batch = [&] {
      StageTimer timer(&d->times, "wait_rollouts");
      return producer_->Next();
    }();
    if (!batch.ok()) return batch.status();
    for (const auto& [stage, seconds] : batch->times) d->times[stage] += seconds;
    d->data_position = batch->data_position;
    bool any_fresh = false;
    for (Group& g : batch->groups) {
      if (g.weights_version < 0) {
        return Internal("async rollouts: the rollout source does not report weights versions");
      }
      if (state_.weights_version - g.weights_version > config_.max_staleness) {
        ++d->dropped_stale;
        continue;
      }
      any_fresh = true;
      Admit(std::move(g), d);
    }
    if (any_fresh) {
      ++draws;
    } else if (++stale_batches > kMaxStaleBatchesPerStep) {
      return FailedPrecondition("async rollouts: " + std::to_string(stale_batches) +
                                " batches in a row were more than max_staleness " +
                                std::to_string(config_.max_staleness) +
                                " versions old; the rollout source is not taking new weights");
    }
  }
  return Status::Ok();
}

void Trainer::Advantages(StepData* d) {
  StageTimer timer(&d->times, "advantages");
  const GrpoConfig& grpo = deps_.learner->grpo();
  auto estimator = MakeAdvantageEstimator(grpo.advantage);  // validated at config time
  std::vector<std::vector<double>> rewards;
  for (size_t index : d->kept) {
    const Group& g = d->all_scored[index];
    rewards.emplace_back();
    for (const auto& s : g.scores) rewards.back().push_back(s.reward);
  }
  auto adv = ComputeAdvantages(**estimator, rewards, grpo.advantage_options);
  d->samples.clear();
  for (size_t gi = 0; gi < d->kept.size(); ++gi) {
    // Stored on the scored group itself, so the rollout store records it.
    Group& g = d->all_scored[d->kept[gi]];
    g.advantages = adv[gi];
    for (size_t i = 0; i < g.completions.size(); ++i) {
      const SampledCompletion& c = g.completions[i];
      TrainSample s;
      s.prompt_ids = g.prompt.ids;
      s.completion_ids = c.token_ids;
      s.behaviour_logprobs = c.logprobs;
      s.advantage = adv[gi][i];
      s.loss_masked = grpo.overlong_filter && c.finish_reason == "length";
      d->samples.push_back(std::move(s));
    }
  }
}

Status Trainer::Reference(StepData* d) {
  StageTimer timer(&d->times, "reference");
  RLZ_RETURN_IF_ERROR(deps_.learner->ComputeReferenceLogProbs(&d->samples));
  RLZ_ASSIGN_OR_RETURN(d->mismatch_kl, deps_.learner->ComputeOldLogProbs(&d->samples));
  return Status::Ok();
}

Status Trainer::Update(StepData* d) {
  StageTimer timer(&d->times, "update");
  RLZ_ASSIGN_OR_RETURN(d->update, deps_.learner->Update(d->samples, state_.step));
  return Status::Ok();
}

std::map<std::string, double> Trainer::StepMetrics(const StepData& d, double step_seconds) const {
  std::map<std::string, double> m;
  std::vector<double> rewards;
  std::map<std::string, std::vector<double>> components;
  double correct = 0, truncated = 0, completions = 0;
  std::vector<double> lengths;
  for (const Group& g : d.all_scored) {
    for (size_t i = 0; i < g.scores.size(); ++i) {
      rewards.push_back(g.scores[i].reward);
      for (const auto& [name, v] : g.scores[i].components) components[name].push_back(v);
      correct += g.scores[i].correct ? 1 : 0;
      truncated += g.completions[i].finish_reason == "length" ? 1 : 0;
      lengths.push_back(static_cast<double>(g.completions[i].token_ids.size()));
      completions += 1;
    }
  }
  double mean, std;
  MeanStd(rewards, &mean, &std);
  m["reward/mean"] = mean;
  m["reward/std"] = std;
  for (const auto& [name, v] : components) m["reward/" + name] = Mean(v);
  m["accuracy"] = completions > 0 ? correct / completions : 0.0;
  std::vector<double> adv;
  double trained_tokens = 0;
  for (const TrainSample& s : d.samples) {
    adv.push_back(s.advantage);
    trained_tokens += static_cast<double>(s.total_length());
  }
  MeanStd(adv, &mean, &std);
  m["advantage/mean"] = mean;
  m["advantage/std"] = std;
  m["response_length/mean"] = Mean(lengths);
  double max_len = 0;
  for (double l : lengths) max_len = std::max(max_len, l);
  m["response_length/max"] = max_len;
  m["truncated_frac"] = completions > 0 ? truncated / completions : 0.0;
  m["kl"] = d.update.kl;
  m["entropy"] = d.update.entropy;
  m["clip_frac"] = d.update.clip_frac;
  m["clip_frac/low"] = d.update.clip_frac_low;
  m["clip_frac/high"] = d.update.clip_frac_high;
  m["mismatch_kl"] = d.mismatch_kl;
  m["tis_truncated_frac"] = d.update.tis_truncated_frac;
  m["grad_norm"] = d.update.grad_norm;
  m["lr"] = d.update.lr;
  m["loss"] = d.update.loss;
  for (const auto& [name, value] : d.update.moe) m[name] = value;
  m["groups"] = static_cast<double>(d.kept.size());
  double stale_sum = 0, stale_max = 0;
  for (int64_t v : d.staleness) {
    stale_sum += static_cast<double>(v);
    stale_max = std::max(stale_max, static_cast<double>(v));
  }
  m["staleness/mean"] = d.staleness.empty() ? 0.0 : stale_sum / d.staleness.size();
  m["staleness/max"] = stale_max;
  m["groups_dropped_stale"] = static_cast<double>(d.dropped_stale);
  m["samples"] = static_cast<double>(d.samples.size());
  m["tokens_per_s"] = step_seconds > 0 ? trained_tokens / step_seconds : 0.0;
  for (const char* stage :
       {"sample", "score", "advantages", "reference", "update", "publish", "wait_rollouts"}) {
    auto it = d.times.find(stage);
    m[std::string("time/") + stage] = it == d.times.end() ? 0.0 : it->second;
  }
  m["time/step"] = step_seconds;
  return m;
}

Status Trainer::Publish(StepData* d) {
  StageTimer timer(&d->times, "publish");
  ++state_.weights_version;
  RLZ_RETURN_IF_ERROR(deps_.rollouts->PublishWeights(state_.weights_version));
  if (deps_.rollout_store != nullptr) {
    std::vector<inspect::RolloutRecord> rows;
    for (const Group& g : d->all_scored) {
      for (size_t i = 0; i < g.completions.size(); ++i) {
        inspect::RolloutRecord r;
        r.run_id = config_.run_id;
        r.step = state_.step + 1;
        r.weights_version = g.weights_version;
        r.prompt_id = g.prompt.id;
        r.prompt = g.prompt.text;
        r.sample_index = static_cast<int32_t>(i);
        r.completion = g.completions[i].text;
        r.token_ids = g.completions[i].token_ids;
        r.token_logprobs = g.completions[i].logprobs;
        r.rewards = g.scores[i].components;
        r.reward = g.scores[i].reward;
        r.advantage = g.advantages.empty() ? 0.0 : g.advantages[i];  // dropped groups: 0
        r.correct = g.scores[i].correct;
        r.finish_reason = g.completions[i].finish_reason;
        r.extracted_answer = g.scores[i].extracted_answer;
        r.verifier_reason = g.scores[i].reason;
        rows.push_back(std::move(r));
      }
    }
    // Queued to the store's own thread; blocks only under back-pressure.
    RLZ_RETURN_IF_ERROR(deps_.rollout_store->WriteStep(std::move(rows)));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- run loop

// The process /metrics view of the run (telemetry/metrics_registry.h).
void Trainer::ExportStepMetrics(const std::map<std::string, double>& m) const {
  auto& r = telemetry::ProcessMetrics();
  r.GetCounter("rlzero_trainer_steps_total", "training steps done by this process")->Increment();
  r.GetGauge("rlzero_trainer_step", "steps done (including resumed ones)")
      ->Set(static_cast<double>(state_.step));
  r.GetGauge("rlzero_weights_version", "policy weights version held by this process")
      ->Set(static_cast<double>(state_.weights_version));
  r.GetGauge("rlzero_trainer_tokens_per_second", "trained tokens / step wall time, last step")
      ->Set(m.at("tokens_per_s"));
  r.GetHistogram("rlzero_trainer_step_seconds", "wall time of a training step",
                 telemetry::LatencyBuckets())
      ->Observe(m.at("time/step"));
  r.GetGauge("rlzero_trainer_staleness_max", "largest staleness trained on, last step")
      ->Set(m.at("staleness/max"));
  r.GetCounter("rlzero_trainer_groups_dropped_stale_total", "groups dropped as too stale")
      ->Increment(m.at("groups_dropped_stale"));
  r.GetGauge("rlzero_trainer_rollout_queue_depth",
             "async: batches of groups made ahead and not yet trained on")
      ->Set(producer_ ? static_cast<double>(producer_->queued()) : 0.0);
}

Status Trainer::BuildBatch(StepData* d) {
  RLZ_RETURN_IF_ERROR(RunOnRankZero(*group_, [&]() -> Status {
    RLZ_RETURN_IF_ERROR(CollectGroups(d));
    Advantages(d);
    return Status::Ok();
  }));
  if (group_->world_size() == 1) return Status::Ok();
  StageTimer timer(&d->times, "broadcast");
  std::string bytes = is_rank_zero() ? EncodeTrainSamples(d->samples) : std::string();
  RLZ_RETURN_IF_ERROR(BroadcastBytes(*group_, bytes).WithContext("sharing step's batch"));
  if (!is_rank_zero()) {
    RLZ_ASSIGN_OR_RETURN(d->samples, DecodeTrainSamples(bytes));
  }
  return Status::Ok();
}

StatusOr<bool> Trainer::StopAgreed() {
  const bool local = deps_.stop_requested != nullptr && deps_.stop_requested->load();
  RLZ_ASSIGN_OR_RETURN(std::vector<double> any,
                       AllReduceScalars(*group_, {local ? 1.0 : 0.0}, ReduceOp::kMax));
  return any[0] > 0.0;
}

StatusOr<RunOutcome> Trainer::Run() {
  if (!deps_.learner || !deps_.policy ||
      (is_rank_zero() && (!deps_.prompts || !deps_.rollouts || !deps_.scorer))) {
    return FailedPrecondition(
        "trainer: missing a part (learner, prompts, rollouts, scorer, policy)");
  }
  RunOutcome outcome;
  bool stop = false;
  // The producer never outlives Run (nor its parts), whatever path Run leaves by.
  struct StopProducer {
    std::unique_ptr<GroupProducer>* producer;
    ~StopProducer() { producer->reset(); }
  } stop_producer{&producer_};
  if (config_.max_staleness > 0 && state_.step < config_.max_steps) {
    RLZ_RETURN_IF_ERROR(RunOnRankZero(*group_, [&]() -> Status {
      // The sampler must start from the current weights (a fresh copy or a
      // worker may hold other ones).
      RLZ_RETURN_IF_ERROR(deps_.rollouts->PublishWeights(state_.weights_version));
      StartProducer();
      return Status::Ok();
    }));
  }
  while (state_.step < config_.max_steps) {
    RLZ_ASSIGN_OR_RETURN(stop, StopAgreed());
    if (stop) break;
    const auto start = std::chrono::steady_clock::now();
    StepData d;
    RLZ_RETURN_IF_ERROR(BuildBatch(&d));
    RLZ_RETURN_IF_ERROR(Reference(&d));
    RLZ_RETURN_IF_ERROR(Update(&d));
    RLZ_RETURN_IF_ERROR(RunOnRankZero(*group_, [&] { return Publish(&d); }));
    if (d.data_position >= 0) {
      state_.data_position = d.data_position;  // async: what was consumed, not drawn
    } else if (deps_.prompts != nullptr) {
      state_.data_position = deps_.prompts->position();
    }
    ++state_.step;
    if (is_rank_zero()) {
      std::map<std::string, double> metrics = StepMetrics(d, Seconds(start));
      if (deps_.metrics != nullptr) RLZ_RETURN_IF_ERROR(deps_.metrics->Write(state_.step, metrics));
      if (deps_.on_step) deps_.on_step(state_.step, metrics);
      ExportStepMetrics(metrics);
      outcome.last_metrics = metrics;
    }
    if (config_.save_every > 0 && state_.step % config_.save_every == 0 &&
        state_.step < config_.max_steps) {
      RLZ_RETURN_IF_ERROR(RunOnRankZero(*group_, [&] { return SaveCheckpoint(); }));
    }
  }
  producer_.reset();  // stop generating before the final checkpoint
  outcome.interrupted = stop && state_.step < config_.max_steps;
  RLZ_RETURN_IF_ERROR(RunOnRankZero(*group_, [&]() -> Status {
    if (!LatestCheckpoint(run_dir_).has_value() || *LatestCheckpoint(run_dir_) != state_.step) {
      RLZ_RETURN_IF_ERROR(SaveCheckpoint());
    }
    if (deps_.rollout_store != nullptr) RLZ_RETURN_IF_ERROR(deps_.rollout_store->Flush());
    if (deps_.metrics != nullptr) RLZ_RETURN_IF_ERROR(deps_.metrics->Flush());
    return Status::Ok();
  }));
  outcome.steps_done = state_.step;
  return outcome;
}

void Trainer::StartProducer() {
  GroupProducerOptions o;
  o.ahead = config_.max_staleness;
  o.groups_per_batch = config_.prompts_per_step;
  o.group_size = config_.group_size;
  o.first_index = state_.step;
  o.seed_of = [this](int64_t index) { return SampleSeedAt(index, 0); };
  producer_ = std::make_unique<GroupProducer>(o, deps_.prompts, deps_.rollouts, deps_.scorer);
  producer_->Start();
}

Status Trainer::SaveCheckpoint() {
  const std::string final_dir = CheckpointDir(run_dir_, state_.step);
  const std::string tmp =
      (fs::path(CheckpointsRoot(run_dir_)) / (".step-" + std::to_string(state_.step) + ".tmp"))
          .string();
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Internal(tmp + ": cannot create: " + ec.message());
  if (!deps_.save_model) return FailedPrecondition("trainer: no model saver");
  RLZ_RETURN_IF_ERROR(deps_.save_model(tmp));
  RLZ_RETURN_IF_ERROR(deps_.learner->SaveState((fs::path(tmp) / "optimizer.pt").string()));
  RLZ_RETURN_IF_ERROR(SaveRngState(tmp));
  TrainerState s = state_;
  s.extra["seed"] = config_.seed;
  RLZ_RETURN_IF_ERROR(WriteTrainerState(tmp, s));
  fs::remove_all(final_dir, ec);
  fs::rename(tmp, final_dir, ec);
  if (ec) return Internal(final_dir + ": cannot rename checkpoint into place: " + ec.message());
  return PruneCheckpoints(run_dir_, config_.keep_last);
}

Status Trainer::Resume() {
  auto latest = LatestCheckpoint(run_dir_);
  if (!latest.has_value()) {
    return NotFound(CheckpointsRoot(run_dir_) + ": no checkpoint to resume from");
  }
  const std::string dir = CheckpointDir(run_dir_, *latest);
  RLZ_ASSIGN_OR_RETURN(TrainerState s, ReadTrainerState(dir));
  if (!deps_.load_model) return FailedPrecondition("trainer: no model loader");
  RLZ_RETURN_IF_ERROR(deps_.load_model(dir));
  RLZ_RETURN_IF_ERROR(deps_.learner->LoadState((fs::path(dir) / "optimizer.pt").string()));
  RLZ_RETURN_IF_ERROR(LoadRngState(dir));
  if (deps_.prompts != nullptr) RLZ_RETURN_IF_ERROR(deps_.prompts->Seek(s.data_position));
  if (deps_.rollouts != nullptr)
    RLZ_RETURN_IF_ERROR(deps_.rollouts->PublishWeights(s.weights_version));
  state_ = s;
  return Status::Ok();
}

}  // namespace rlzero
