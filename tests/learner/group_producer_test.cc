// tests/learner/group_producer_test.cc: the async producer with fakes: it
// never makes more than `ahead` batches ahead of the consumer, returns them in
// order with their seeds and data positions, and Stop() returns while the
// source is blocked in Generate (unblocked by CancelGeneration).
#include "learner/trainer/group_producer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

namespace rlzero {
namespace {

class CountingPrompts : public PromptSource {
 public:
  StatusOr<TaskPrompt> Next() override {
    TaskPrompt p;
    p.id = "p" + std::to_string(position_++);
    p.ids = {1, 2};
    return p;
  }
  int64_t position() const override { return position_; }
  Status Seek(int64_t p) override {
    position_ = p;
    return Status::Ok();
  }

 private:
  std::atomic<int64_t> position_{0};
};

// Completions carry the seed as their one token; `block` makes Generate wait
// until CancelGeneration.
class FakeSource : public RolloutSource {
 public:
  StatusOr<std::vector<SampledCompletion>> Generate(
      const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) override {
    ++calls;
    if (block) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return cancelled_; });
      return Status(StatusCode::kCancelled, "cancelled");
    }
    std::vector<SampledCompletion> out(prompts.size() * n);
    for (auto& c : out) {
      c.token_ids = {static_cast<int32_t>(seed)};
      c.logprobs = {-1.0f};
      c.weights_version = 7;
    }
    return out;
  }
  void CancelGeneration() override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }
  std::atomic<int> calls{0};
  bool block = false;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
};

class ConstScorer : public CompletionScorer {
 public:
  StatusOr<CompletionScore> Score(const TaskPrompt&, const SampledCompletion&) override {
    return CompletionScore{};
  }
};

GroupProducerOptions Options(int ahead) {
  GroupProducerOptions o;
  o.ahead = ahead;
  o.groups_per_batch = 3;
  o.group_size = 2;
  o.first_index = 5;
  o.seed_of = [](int64_t index) { return static_cast<uint64_t>(100 + index); };
  return o;
}

TEST(GroupProducerTest, StaysAtMostAheadBatchesAheadAndKeepsOrder) {
  CountingPrompts prompts;
  FakeSource source;
  ConstScorer scorer;
  GroupProducer producer(Options(2), &prompts, &source, &scorer);
  producer.Start();
  // Wait (bounded: the machine may be loaded) for the two allowed batches,
  // then give a third the chance to (wrongly) start.
  for (int i = 0; i < 1000 && producer.queued() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(source.calls.load(), 2);
  EXPECT_EQ(producer.queued(), 2);
  for (int64_t i = 5; i < 9; ++i) {
    auto batch = producer.Next();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    EXPECT_EQ(batch->index, i);
    ASSERT_EQ(batch->groups.size(), 3u);
    EXPECT_EQ(batch->groups[0].completions.size(), 2u);
    EXPECT_EQ(batch->groups[0].completions[0].token_ids[0], 100 + i);
    EXPECT_EQ(batch->groups[0].weights_version, 7);
    EXPECT_EQ(batch->groups[0].scores.size(), 2u);
    EXPECT_EQ(batch->data_position, 3 * (i - 4));
    EXPECT_LE(source.calls.load(), static_cast<int>(i - 5) + 1 + 2);
  }
  producer.Stop();
  EXPECT_EQ(producer.Next().status().code(), StatusCode::kCancelled);
}

TEST(GroupProducerTest, StopReturnsWhileGenerateIsBlocked) {
  CountingPrompts prompts;
  FakeSource source;
  source.block = true;
  ConstScorer scorer;
  GroupProducer producer(Options(1), &prompts, &source, &scorer);
  producer.Start();
  while (source.calls.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto t0 = std::chrono::steady_clock::now();
  producer.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

}  // namespace
}  // namespace rlzero
