// learner/trainer/list_prompt_source.cc: epoch-shuffled prompt order that is
// a pure function of (seed, position), hence exactly resumable.
#include <algorithm>
#include <numeric>
#include <random>

#include "learner/trainer/trainer_parts.h"

namespace rlzero {

ListPromptSource::ListPromptSource(std::vector<TaskPrompt> prompts, uint64_t seed, bool shuffle)
    : prompts_(std::move(prompts)), seed_(seed), shuffle_(shuffle) {}

std::vector<int> ListPromptSource::OrderOfEpoch(int64_t epoch) const {
  std::vector<int> order(prompts_.size());
  std::iota(order.begin(), order.end(), 0);
  if (shuffle_) {
    std::mt19937_64 rng(seed_ * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(epoch));
    // Fisher-Yates with our own index draw: std::shuffle's use of the engine
    // is implementation-defined, this is not.
    for (size_t i = order.size(); i > 1; --i) {
      size_t j = static_cast<size_t>(rng() % i);
      std::swap(order[i - 1], order[j]);
    }
  }
  return order;
}

StatusOr<TaskPrompt> ListPromptSource::Next() {
  if (prompts_.empty()) return FailedPrecondition("prompt source: no prompts");
  const int64_t n = static_cast<int64_t>(prompts_.size());
  const int64_t epoch = position_ / n;
  if (epoch != epoch_) {
    order_ = OrderOfEpoch(epoch);
    epoch_ = epoch;
  }
  const TaskPrompt& p = prompts_[order_[position_ % n]];
  ++position_;
  return p;
}

Status ListPromptSource::Seek(int64_t position) {
  if (position < 0) return InvalidArgument("prompt source: negative position");
  position_ = position;
  epoch_ = -1;
  return Status::Ok();
}

}  // namespace rlzero
