// tests/learner/trainer_resume_test.cc: the training loop end to end on a
// tiny qwen2 policy: a run of 4 steps and a run stopped after 2 steps and
// resumed to 4 end with bitwise-identical weights; a requested stop saves a
// checkpoint; metrics.jsonl carries the contract's names; checkpoints are in
// the HF layout and pruned to keep_last. Async mode (max_staleness k > 0):
// every step trains on its full groups with staleness <= k, the first step
// equals the sync one, a stop or a producer error ends the run without a hang.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "inspect/metrics_sink.h"
#include "inspect/rollout_reader.h"
#include "inspect/rollout_writer.h"
#include "learner/trainer/naive_rollout_source.h"
#include "learner/trainer/policy_checkpoint_io.h"
#include "learner/trainer/snapshot_rollout_source.h"
#include "learner/trainer/trainer.h"
#include "policy/model_io.h"

namespace rlzero {
namespace {
namespace fs = std::filesystem;

ModelConfig TinyConfig() {
  auto c = ParseModelConfig(Json::parse(R"({"model_type": "qwen2", "vocab_size": 12,
      "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
      "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 64,
      "eos_token_id": 0, "tie_word_embeddings": false})"),
                            "tiny");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

// Reward: fraction of completion tokens equal to 3 (learnable, graded).
class ThreesScorer : public CompletionScorer {
 public:
  StatusOr<CompletionScore> Score(const TaskPrompt&, const SampledCompletion& c) override {
    CompletionScore s;
    double n = 0;
    for (int32_t t : c.token_ids) n += (t == 3) ? 1 : 0;
    s.reward = c.token_ids.empty() ? 0.0 : n / static_cast<double>(c.token_ids.size());
    s.components["threes"] = s.reward;
    s.components["nonempty"] = c.token_ids.empty() ? 0.0 : 1.0;
    s.correct = s.reward >= 0.5;
    return s;
  }
};

std::vector<TaskPrompt> Prompts() {
  std::vector<TaskPrompt> p;
  for (int i = 0; i < 6; ++i) {
    TaskPrompt t;
    t.id = "p" + std::to_string(i);
    t.text = t.id;
    t.ids = {1 + i % 5, 2 + i % 7, 5};
    p.push_back(t);
  }
  return p;
}

// Fails every call after the first `ok_calls`.
class FailingAfterScorer : public ThreesScorer {
 public:
  explicit FailingAfterScorer(int ok_calls) : left_(ok_calls) {}
  StatusOr<CompletionScore> Score(const TaskPrompt& p, const SampledCompletion& c) override {
    if (left_-- <= 0) return Unavailable("verifier gone");
    return ThreesScorer::Score(p, c);
  }

 private:
  std::atomic<int> left_;
};

// Every completion gets the same reward: every group is degenerate.
class ConstantScorer : public ThreesScorer {
 public:
  StatusOr<CompletionScore> Score(const TaskPrompt&, const SampledCompletion&) override {
    CompletionScore s;
    s.reward = 0.5;
    s.components["threes"] = 0.5;
    return s;
  }
};

struct AsyncOptions {
  int max_staleness = 0;
  bool dynamic_sampling = true;
  int scorer_ok_calls = -1;  // >= 0: the scorer fails after this many calls
  bool constant_reward = false;
  bool overlong_filter = true;
  bool no_eos = false;  // every completion runs to max_new_tokens ("length")
};

struct Run {
  std::shared_ptr<CausalLM> policy;
  std::unique_ptr<ListPromptSource> prompts;
  std::unique_ptr<RolloutSource> rollouts;
  std::unique_ptr<ThreesScorer> scorer = std::make_unique<ThreesScorer>();
  std::unique_ptr<inspect::RunMetricsSink> metrics;
  std::unique_ptr<inspect::RolloutWriter> store;
  std::unique_ptr<Trainer> trainer;
};

// The learner's execution options (grpo.logprob_chunk_tokens, grpo.autocast).
struct ExecOptions {
  int64_t logprob_chunk_tokens = 0;
  std::string autocast = "off";
};

std::unique_ptr<Run> MakeRun(
    const std::string& run_dir, int64_t max_steps, const std::atomic<bool>* stop = nullptr,
    std::function<void(int64_t, const std::map<std::string, double>&)> on_step = nullptr,
    AsyncOptions async = {}, const ExecOptions& exec = {}) {
  auto r = std::make_unique<Run>();
  if (async.scorer_ok_calls >= 0)
    r->scorer = std::make_unique<FailingAfterScorer>(async.scorer_ok_calls);
  if (async.constant_reward) r->scorer = std::make_unique<ConstantScorer>();
  ModelConfig config = TinyConfig();
  auto policy = BuildModel(config, torch::kCPU, torch::kFloat32, /*seed=*/1);
  auto reference = BuildModel(config, torch::kCPU, torch::kFloat32, /*seed=*/1);
  EXPECT_TRUE(policy.ok() && reference.ok());
  r->policy = *policy;
  GrpoConfig grpo;
  grpo.objective.beta = 0.05;
  grpo.objective.clip.clip_high = 0.28;
  grpo.epochs = 2;
  grpo.mini_batches = 2;
  grpo.micro_batch_tokens = 24;
  grpo.overlong_filter = async.overlong_filter;
  grpo.logprob_chunk_tokens = exec.logprob_chunk_tokens;
  grpo.autocast = exec.autocast;
  OptimConfig optim;
  optim.lr = 2e-2;
  optim.weight_decay = 0.01;
  optim.schedule.lr = optim.lr;
  optim.schedule.warmup_steps = 2;
  auto learner = Learner::Create(r->policy, *reference, grpo, optim, 6);
  EXPECT_TRUE(learner.ok()) << learner.status().ToString();
  r->prompts = std::make_unique<ListPromptSource>(Prompts(), 11, true);
  NaiveSamplerOptions so;
  so.max_new_tokens = 6;
  if (!async.no_eos) so.eos_token_ids = {0};
  if (async.max_staleness > 0) {
    auto copy = BuildModel(config, torch::kCPU, torch::kFloat32, /*seed=*/1);
    EXPECT_TRUE(copy.ok());
    r->rollouts = std::make_unique<SnapshotRolloutSource>(
        r->policy, *copy, std::make_unique<NaiveRolloutSource>(*copy, so));
  } else {
    r->rollouts = std::make_unique<NaiveRolloutSource>(r->policy, so);
  }
  auto sink = inspect::RunMetricsSink::Open(run_dir);
  EXPECT_TRUE(sink.ok()) << sink.status().ToString();
  r->metrics = std::move(sink).value();
  auto store = inspect::RolloutWriter::Open(inspect::RolloutStorePath(run_dir));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  r->store = std::move(store).value();
  TrainerConfig tc;
  tc.max_steps = max_steps;
  tc.prompts_per_step = 2;
  tc.group_size = 4;
  tc.dynamic_sampling = async.dynamic_sampling;
  tc.max_staleness = async.max_staleness;
  tc.max_draws = 2;
  tc.save_every = 1;
  tc.keep_last = 2;
  tc.seed = 5;
  TrainerDeps deps;
  deps.policy = r->policy;
  deps.learner = std::move(learner).value();
  deps.prompts = r->prompts.get();
  deps.rollouts = r->rollouts.get();
  deps.scorer = r->scorer.get();
  CausalLM* model = r->policy.get();
  deps.save_model = [model, config](const std::string& dir) {
    return SavePolicyCheckpoint(dir, config, *model, "");
  };
  deps.load_model = [model](const std::string& dir) {
    return LoadPolicyWeightsInPlace(dir, *model);
  };
  deps.metrics = r->metrics.get();
  deps.rollout_store = r->store.get();
  deps.stop_requested = stop;
  deps.on_step = on_step;
  r->trainer = std::make_unique<Trainer>(tc, std::move(deps), run_dir);
  return r;
}

std::string TempDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("rlz_trainer_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

// The first line of dir's metrics.jsonl.
Json FirstMetricsLine(const std::string& dir) {
  std::ifstream in(fs::path(dir) / "metrics.jsonl");
  std::string line;
  EXPECT_TRUE(std::getline(in, line));
  return Json::parse(line, nullptr, /*allow_exceptions=*/false);
}

// Trains one step with options `o` in dir; returns that step's metrics line.
Json TrainOneStep(const std::string& dir, const AsyncOptions& o = {}) {
  auto run = MakeRun(dir, 1, nullptr, nullptr, o);
  auto out = run->trainer->Run();
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return FirstMetricsLine(dir);
}

void ExpectStoppedAndResumedRunIsBitwiseIdentical(const ExecOptions& exec) {
  const std::string a_dir = TempDir("a"), b_dir = TempDir("b");
  auto a = MakeRun(a_dir, 4, nullptr, nullptr, {}, exec);
  auto a_out = a->trainer->Run();
  ASSERT_TRUE(a_out.ok()) << a_out.status().ToString();
  EXPECT_EQ(a_out->steps_done, 4);

  {
    auto b1 = MakeRun(b_dir, 2, nullptr, nullptr, {}, exec);
    auto out = b1->trainer->Run();
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->steps_done, 2);
  }
  auto b2 = MakeRun(b_dir, 4, nullptr, nullptr, {}, exec);
  // A fresh model with other weights: everything must come from the checkpoint.
  {
    torch::NoGradGuard ng;
    for (auto& p : b2->policy->parameters()) p.add_(0.5);
  }
  ASSERT_TRUE(b2->trainer->Resume().ok());
  EXPECT_EQ(b2->trainer->step(), 2);
  auto b_out = b2->trainer->Run();
  ASSERT_TRUE(b_out.ok()) << b_out.status().ToString();
  EXPECT_EQ(b_out->steps_done, 4);

  auto pa = a->policy->named_parameters();
  auto pb = b2->policy->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  bool moved = false;
  auto init = BuildModel(TinyConfig(), torch::kCPU, torch::kFloat32, 1);
  auto pi = (*init)->named_parameters();
  for (auto& p : pa) {
    EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
    moved = moved || !torch::equal(p.value(), pi[p.key()]);
  }
  EXPECT_TRUE(moved) << "training did not change the weights";
  EXPECT_EQ(a_out->last_metrics.at("reward/mean"), b_out->last_metrics.at("reward/mean"));

  // keep_last = 2: steps 3 and 4 remain, in the HF layout.
  EXPECT_EQ(ListCheckpoints(a_dir), std::vector<int64_t>({3, 4}));
  for (const char* f :
       {"config.json", "model.safetensors", "optimizer.pt", "rng.pt", "trainer_state.json"}) {
    EXPECT_TRUE(fs::exists(fs::path(CheckpointDir(a_dir, 4)) / f)) << f;
  }
  fs::remove_all(a_dir);
  fs::remove_all(b_dir);
}

TEST(TrainerResumeTest, StoppedAndResumedRunIsBitwiseIdentical) {
  ExpectStoppedAndResumedRunIsBitwiseIdentical(ExecOptions{});
}

// Chunked log-probs and bf16 autocast are deterministic too (the autocast
// weight cache is cleared after every forward, so resumed weights are used).
TEST(TrainerResumeTest, ChunkedBf16AutocastRunResumesBitwise) {
  ExpectStoppedAndResumedRunIsBitwiseIdentical(ExecOptions{5, "bfloat16"});
}

// The rollout store records, for every trained group, the advantages the
// learner used: GRPO's (r - mean) / (std + eps) of the group's rewards.
TEST(TrainerResumeTest, RolloutStoreRecordsTheTrainedAdvantages) {
  const std::string dir = TempDir("store");
  auto r = MakeRun(dir, 2);
  auto out = r->trainer->Run();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto reader = inspect::RolloutReader::Open(inspect::RolloutStorePath(dir));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto rows = (*reader)->Query({});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::map<std::pair<int64_t, std::string>, std::vector<inspect::RolloutRecord>> groups;
  for (auto& row : *rows) groups[{row.step, row.prompt_id}].push_back(row);
  int checked = 0;
  std::map<int64_t, int> trained_per_step;
  for (const auto& [key, g] : groups) {
    double mean = 0, var = 0;
    for (const auto& row : g) mean += row.reward / g.size();
    for (const auto& row : g) var += (row.reward - mean) * (row.reward - mean) / (g.size() - 1);
    if (var == 0) continue;  // all-equal groups are dropped (dynamic sampling): advantage 0
    bool trained = false;    // a group drawn after the batch was full is scored, not trained
    for (const auto& row : g) trained = trained || row.advantage != 0.0;
    if (!trained) continue;
    for (const auto& row : g) {
      EXPECT_NEAR(row.advantage, (row.reward - mean) / (std::sqrt(var) + 1e-6), 1e-3)
          << "step " << key.first << " prompt " << key.second;
    }
    ++checked;
    ++trained_per_step[key.first];
  }
  for (const auto& [step, n] : trained_per_step) EXPECT_LE(n, 2) << "step " << step;
  EXPECT_GT(checked, 0) << "no group with differing rewards: the check above never ran";
  fs::remove_all(dir);
}

TEST(TrainerResumeTest, StopRequestSavesCheckpointAndMetricsHaveContractNames) {
  const std::string dir = TempDir("stop");
  std::atomic<bool> stop{false};
  auto r = MakeRun(dir, 10, &stop, [&](int64_t step, const std::map<std::string, double>&) {
    if (step == 1) stop = true;
  });
  // No checkpoint until the stop: save_every would save at 1 anyway, so use 0.
  auto out = r->trainer->Run();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(out->interrupted);
  EXPECT_EQ(out->steps_done, 1);
  EXPECT_EQ(LatestCheckpoint(dir), std::optional<int64_t>(1));

  Json m = FirstMetricsLine(dir);
  ASSERT_TRUE(m.is_object());
  for (const char* key : {"step",
                          "reward/mean",
                          "reward/std",
                          "reward/threes",
                          "reward/nonempty",
                          "accuracy",
                          "advantage/mean",
                          "advantage/std",
                          "response_length/mean",
                          "response_length/max",
                          "truncated_frac",
                          "kl",
                          "entropy",
                          "clip_frac",
                          "clip_frac/low",
                          "clip_frac/high",
                          "mismatch_kl",
                          "grad_norm",
                          "lr",
                          "groups",
                          "samples",
                          "tokens_per_s",
                          "time/sample",
                          "time/score",
                          "time/advantages",
                          "time/reference",
                          "time/update",
                          "time/publish"}) {
    EXPECT_TRUE(m.contains(key)) << key;
  }
  EXPECT_EQ(m["step"], 1);
  EXPECT_EQ(m["samples"].get<double>(), m["groups"].get<double>() * 4);
  // Same weights sampled and scored: the mismatch is zero up to float noise.
  EXPECT_LT(m["mismatch_kl"].get<double>(), 1e-6);
  EXPECT_GT(m["entropy"].get<double>(), 0.0);
  EXPECT_NEAR(m["lr"].get<double>(), 1e-2, 1e-12);  // warm-up step 0 of 2
  fs::remove_all(dir);
}

// Dynamic sampling (DAPO): all-equal groups are dropped and more prompts are
// drawn, at most trainer.max_draws (2 here) batches of prompts_per_step (2)
// a step; with every group degenerate the step trains on nothing and has
// consumed exactly 2 x 2 prompts. Without dynamic sampling the same groups
// are kept (zero advantage) after one draw.
TEST(TrainerDynamicSamplingTest, AllEqualGroupsAreDroppedAndDrawsAreCapped) {
  for (bool dynamic : {true, false}) {
    const std::string dir = TempDir(dynamic ? "dyn_on" : "dyn_off");
    AsyncOptions o;
    o.dynamic_sampling = dynamic;
    o.constant_reward = true;
    Json m = TrainOneStep(dir, o);
    EXPECT_EQ(m["groups"].get<double>(), dynamic ? 0.0 : 2.0) << m.dump();
    EXPECT_EQ(m["samples"].get<double>(), dynamic ? 0.0 : 8.0) << m.dump();
    EXPECT_EQ(m["advantage/std"].get<double>(), 0.0);
    auto state = ReadTrainerState(CheckpointDir(dir, 1));
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    EXPECT_EQ(state->data_position, dynamic ? 4 : 2);
    fs::remove_all(dir);
  }
  // A learnable reward: the kept groups carry reward variance.
  const std::string dir = TempDir("dyn_mixed");
  Json m = TrainOneStep(dir);
  EXPECT_GT(m["groups"].get<double>(), 0.0);
  EXPECT_GT(m["advantage/std"].get<double>(), 0.0) << m.dump();
  fs::remove_all(dir);
}

// Overlong filtering through the loop: with no EOS every completion is
// truncated ("length"); with grpo.overlong_filter they are all masked, so the
// step has no gradient (grad_norm 0); without it they train.
TEST(TrainerOverlongFilterTest, TruncatedCompletionsAreMaskedFromTheLoss) {
  for (bool filter : {true, false}) {
    const std::string dir = TempDir(filter ? "overlong_on" : "overlong_off");
    AsyncOptions o;
    o.dynamic_sampling = false;
    o.no_eos = true;
    o.overlong_filter = filter;
    Json m = TrainOneStep(dir, o);
    EXPECT_EQ(m["truncated_frac"].get<double>(), 1.0) << m.dump();
    if (filter) {
      EXPECT_EQ(m["grad_norm"].get<double>(), 0.0) << m.dump();
    } else {
      EXPECT_GT(m["grad_norm"].get<double>(), 0.0) << m.dump();
    }
    fs::remove_all(dir);
  }
}

// k = 1 and 2: every step trains on exactly prompts_per_step groups, none
// staler than k; k = 1 trains step t >= 2 on rollouts of weights t - 1; the
// first step (weights 0 everywhere) equals the sync run's first step.
TEST(TrainerAsyncTest, TrainsFullGroupsWithinMaxStaleness) {
  const std::string sync_dir = TempDir("sync");
  std::map<int64_t, std::map<std::string, double>> sync_steps;
  auto sync = MakeRun(
      sync_dir, 1, nullptr,
      [&](int64_t step, const std::map<std::string, double>& m) { sync_steps[step] = m; },
      AsyncOptions{0, false});
  ASSERT_TRUE(sync->trainer->Run().ok());
  for (int k : {1, 2}) {
    const std::string dir = TempDir("async" + std::to_string(k));
    std::map<int64_t, std::map<std::string, double>> steps;
    auto r = MakeRun(
        dir, 6, nullptr,
        [&](int64_t step, const std::map<std::string, double>& m) { steps[step] = m; },
        AsyncOptions{k, false});
    auto out = r->trainer->Run();
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->steps_done, 6);
    ASSERT_EQ(steps.size(), 6u);
    for (const auto& [step, m] : steps) {
      EXPECT_EQ(m.at("groups"), 2) << "k " << k << " step " << step;
      EXPECT_EQ(m.at("samples"), 8) << "k " << k << " step " << step;
      EXPECT_LE(m.at("staleness/max"), k) << "k " << k << " step " << step;
      EXPECT_GE(m.at("groups_dropped_stale"), 0);
      EXPECT_TRUE(std::isfinite(m.at("loss")));
      if (k == 1 && step >= 2) EXPECT_EQ(m.at("staleness/max"), 1) << "step " << step;
    }
    EXPECT_EQ(steps[1].at("staleness/max"), 0);
    EXPECT_EQ(steps[1].at("loss"), sync_steps[1].at("loss")) << "k " << k;
    EXPECT_EQ(steps[1].at("reward/mean"), sync_steps[1].at("reward/mean")) << "k " << k;
    // The checkpoint's data position counts consumed prompts only (2 per step).
    auto state = ReadTrainerState(CheckpointDir(dir, 6));
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    EXPECT_EQ(state->data_position, 12);
    EXPECT_EQ(state->weights_version, 6);
    fs::remove_all(dir);
  }
  fs::remove_all(sync_dir);
}

TEST(TrainerAsyncTest, StopRequestEndsTheRunAndTheProducer) {
  const std::string dir = TempDir("async_stop");
  std::atomic<bool> stop{false};
  auto r = MakeRun(
      dir, 50, &stop,
      [&](int64_t step, const std::map<std::string, double>&) {
        if (step == 2) stop = true;
      },
      AsyncOptions{2, true});
  auto out = r->trainer->Run();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(out->interrupted);
  EXPECT_EQ(out->steps_done, 2);
  EXPECT_EQ(LatestCheckpoint(dir), std::optional<int64_t>(2));
  fs::remove_all(dir);
}

TEST(TrainerAsyncTest, ProducerErrorFailsTheRunNamingIt) {
  const std::string dir = TempDir("async_error");
  // 2 groups x 4 completions per batch: the third batch's scoring fails.
  auto r = MakeRun(dir, 10, nullptr, nullptr, AsyncOptions{1, false, 17});
  auto out = r->trainer->Run();
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(out.status().message().find("async rollouts, batch 2"), std::string::npos)
      << out.status().ToString();
  EXPECT_NE(out.status().message().find("verifier gone"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace rlzero
