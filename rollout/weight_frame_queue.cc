// rollout/weight_frame_queue.cc
#include "rollout/weight_frame_queue.h"

#include <cassert>

namespace rlzero {

WeightFrameQueue::WeightFrameQueue(std::vector<grpc::ByteBuffer> frames)
    : frames_(std::move(frames)), closed_(true) {}

WeightFrameQueue::~WeightFrameQueue() { assert(closed_ && "WeightFrameQueue destroyed unclosed"); }

void WeightFrameQueue::Append(grpc::ByteBuffer frame) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    assert(!closed_);
    frames_.push_back(std::move(frame));
  }
  appended_.notify_all();
}

void WeightFrameQueue::Close(Status status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    assert(!closed_);
    closed_ = true;
    status_ = std::move(status);
  }
  appended_.notify_all();
}

Status WeightFrameQueue::Get(size_t i, std::chrono::steady_clock::time_point deadline,
                             grpc::ByteBuffer* frame) const {
  std::unique_lock<std::mutex> lock(mu_);
  if (!appended_.wait_until(lock, deadline, [&] { return closed_ || i < frames_.size(); }))
    return DeadlineExceeded("weight frames: publisher too slow (frame " + std::to_string(i) + ")");
  if (closed_ && !status_.ok()) return status_;
  if (i >= frames_.size()) return OutOfRange("weight frames: end of stream");
  *frame = frames_[i];
  return Status::Ok();
}

bool WeightFrameQueue::FailedByWriter() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_ && !status_.ok();
}

}  // namespace rlzero
