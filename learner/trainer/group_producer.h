// learner/trainer/group_producer.h: async generation for the trainer
// (trainer.max_staleness = k > 0). A producer thread draws prompts, samples
// and scores batches of groups ahead of the trainer, while the trainer's
// thread trains on earlier batches; at most k batches are ahead at any time
// (queued plus the one being made), so with a source that samples on the
// newest published weights no batch is popped more than k versions after
// the version it was sampled with.
//
// Contract:
//   - Batch i (i = first_index, first_index + 1, ...) holds groups_per_batch
//     groups sampled with seed_of(i), in order; Next() returns them in order.
//   - Each batch carries the PromptSource position after its draws, so the
//     trainer can checkpoint the position of what it actually consumed.
//   - The first error of the producer (prompts, source or scorer) is returned
//     by the Next() that would have returned the failed batch, and the thread
//     stops. Next() after Stop() is CANCELLED.
//   - Stop() (and the destructor) unblock everything: the thread is asked to
//     stop, in-flight generation is cancelled through
//     RolloutSource::CancelGeneration (repeatedly, until the thread exits),
//     and the thread is joined. Nothing is left running.
// Non-goals: staleness filtering and replacement (the trainer decides what
// is stale; see Trainer::CollectGroupsAsync), advantages.
// Thread safety: Next/Stop/queued from one thread (the trainer's); the parts
// given are used by the producer thread only, except
// RolloutSource::CancelGeneration.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "learner/trainer/scored_group.h"
#include "learner/trainer/trainer_parts.h"

namespace rlzero {

struct GroupProducerOptions {
  int ahead = 1;  // k: batches made ahead of the trainer (queued + in progress), >= 1
  int groups_per_batch = 1;
  int group_size = 2;
  int64_t first_index = 0;
  std::function<uint64_t(int64_t index)> seed_of;  // sampling seed of batch `index`
};

struct ProducedBatch {
  int64_t index = 0;
  std::vector<ScoredGroup> groups;      // scored, weights_version set by the source
  int64_t data_position = 0;            // PromptSource::position() after this batch
  std::map<std::string, double> times;  // "sample", "score" seconds (on the producer)
};

class GroupProducer {
 public:
  GroupProducer(GroupProducerOptions options, PromptSource* prompts, RolloutSource* rollouts,
                CompletionScorer* scorer);
  ~GroupProducer();
  GroupProducer(const GroupProducer&) = delete;
  GroupProducer& operator=(const GroupProducer&) = delete;

  // Starts the thread (once).
  void Start();
  // The next batch in order; blocks until it is made.
  StatusOr<ProducedBatch> Next();
  // Idempotent; returns once the thread has exited.
  void Stop();
  // Batches made and not yet taken.
  int queued() const;

 private:
  void Loop();

  GroupProducerOptions options_;
  PromptSource* prompts_;
  RolloutSource* rollouts_;
  CompletionScorer* scorer_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<ProducedBatch> queue_;  // at most options_.ahead
  Status error_;                     // the producer's first error
  bool stop_ = false;
  bool exited_ = false;
  std::thread thread_;
};

}  // namespace rlzero
