// learner/trainer/group_producer.cc: the producer thread and its bounded
// queue (see header).
#include "learner/trainer/group_producer.h"

#include <chrono>

namespace rlzero {

GroupProducer::GroupProducer(GroupProducerOptions options, PromptSource* prompts,
                             RolloutSource* rollouts, CompletionScorer* scorer)
    : options_(std::move(options)), prompts_(prompts), rollouts_(rollouts), scorer_(scorer) {
  if (options_.ahead < 1) options_.ahead = 1;
}

GroupProducer::~GroupProducer() { Stop(); }

void GroupProducer::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void GroupProducer::Loop() {
  for (int64_t index = options_.first_index;; ++index) {
    {
      // A slot: at most `ahead` batches queued or in the making.
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock,
                    [&] { return stop_ || static_cast<int>(queue_.size()) < options_.ahead; });
      if (stop_) break;
    }
    ProducedBatch batch;
    batch.index = index;
    auto groups = SampleGroups(*prompts_, *rollouts_, options_.groups_per_batch,
                               options_.group_size, options_.seed_of(index), &batch.times);
    Status status = groups.status();
    if (status.ok()) {
      batch.groups = std::move(groups).value();
      status = ScoreGroups(*scorer_, &batch.groups, &batch.times);
    }
    batch.data_position = prompts_->position();
    std::lock_guard<std::mutex> lock(mu_);
    if (!status.ok()) {
      error_ = status.WithContext("async rollouts, batch " + std::to_string(index));
      break;
    }
    if (stop_) break;
    queue_.push_back(std::move(batch));
    changed_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  exited_ = true;
  changed_.notify_all();
}

StatusOr<ProducedBatch> GroupProducer::Next() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return !queue_.empty() || exited_ || stop_; });
  // After Stop() nothing more is handed out, queued batches included (the
  // header's contract; a queued batch would otherwise race with Stop).
  if (stop_) return Status(StatusCode::kCancelled, "async rollouts: producer stopped");
  if (!queue_.empty()) {
    ProducedBatch batch = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return batch;
  }
  if (!error_.ok()) return error_;
  return Status(StatusCode::kCancelled, "async rollouts: producer stopped");
}

void GroupProducer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    changed_.notify_all();
  }
  if (!thread_.joinable()) return;
  // The thread may be inside Generate: cancel until it notices (a cancel that
  // lands between two RPCs of the source would otherwise be missed).
  std::unique_lock<std::mutex> lock(mu_);
  while (!exited_) {
    lock.unlock();
    rollouts_->CancelGeneration();
    lock.lock();
    changed_.wait_for(lock, std::chrono::milliseconds(50), [&] { return exited_; });
  }
  lock.unlock();
  thread_.join();
}

int GroupProducer::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

}  // namespace rlzero
