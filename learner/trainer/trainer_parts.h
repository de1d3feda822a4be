// learner/trainer/trainer_parts.h: the narrow interfaces the training loop
// drives, so that the loop is testable with fakes and each real part (the
// rollout engine, the reward composition, the dataset) plugs in through a
// thin adapter:
//   PromptSource     the task's prompts, in a resumable order
//   RolloutSource    prompts -> n sampled completions each, with behaviour log-probs
//   CompletionScorer one completion -> total reward, per-component scores, correctness
// Thread safety: the sync trainer calls every part from its one thread. In
// async mode (trainer.max_staleness > 0) the GroupProducer's thread calls
// PromptSource, CompletionScorer and RolloutSource::Generate while the
// trainer's thread calls RolloutSource::PublishWeights: an async-capable
// RolloutSource must allow exactly that overlap (RemoteRolloutSource,
// SnapshotRolloutSource do; EngineRolloutSource on the trained module does not).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero {

struct TaskPrompt {
  std::string id;
  std::string text;            // after templating: what the model sees
  std::vector<int32_t> ids;    // tokenised text, non-empty
  Json meta = Json::object();  // task fields for the scorer (answer, numbers, tests...)
};

class PromptSource {
 public:
  virtual ~PromptSource() = default;
  // The next prompt; the sequence is infinite (epochs) and deterministic.
  virtual StatusOr<TaskPrompt> Next() = 0;
  // Prompts drawn so far; Seek(p) restores the state after p draws.
  virtual int64_t position() const = 0;
  virtual Status Seek(int64_t position) = 0;
};

struct SampledCompletion {
  std::vector<int32_t> token_ids;
  std::vector<float> logprobs;  // behaviour log-prob of each token
  std::string text;
  std::string finish_reason;  // "stop" | "length"
  // The policy version that sampled it; -1 when the source does not know
  // (in-process samplers on the trained module: the trainer's current one).
  int64_t weights_version = -1;
};

class RolloutSource {
 public:
  virtual ~RolloutSource() = default;
  // n completions per prompt, ordered by prompt then sample. Deterministic in
  // (prompts, n, seed).
  virtual StatusOr<std::vector<SampledCompletion>> Generate(
      const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) = 0;
  // Called after each policy update (in-process engines share the weights
  // and need nothing; remote workers get the new version).
  virtual Status PublishWeights(int64_t /*version*/) { return Status::Ok(); }
  // Asks a Generate running on another thread to return early (CANCELLED);
  // may be called from any thread, any number of times. Sources that cannot
  // stop mid-way let the running Generate finish (bounded by max_new_tokens).
  virtual void CancelGeneration() {}
};

struct CompletionScore {
  double reward = 0.0;                       // total, used for advantages
  std::map<std::string, double> components;  // per component, as logged
  bool correct = false;
  std::string extracted_answer;
  std::string reason;
};

class CompletionScorer {
 public:
  virtual ~CompletionScorer() = default;
  virtual StatusOr<CompletionScore> Score(const TaskPrompt& prompt,
                                          const SampledCompletion& completion) = 0;
};

// A PromptSource over a fixed list: each epoch visits every prompt once in
// an order shuffled from (seed, epoch) with std::mt19937_64 (shuffle = false:
// file order).
class ListPromptSource : public PromptSource {
 public:
  ListPromptSource(std::vector<TaskPrompt> prompts, uint64_t seed, bool shuffle);
  StatusOr<TaskPrompt> Next() override;
  int64_t position() const override { return position_; }
  Status Seek(int64_t position) override;

 private:
  std::vector<int> OrderOfEpoch(int64_t epoch) const;
  std::vector<TaskPrompt> prompts_;
  uint64_t seed_;
  bool shuffle_;
  int64_t position_ = 0;
  int64_t epoch_ = -1;
  std::vector<int> order_;
};

}  // namespace rlzero
