// rollout/weight_frame_queue.h: the frames of one published weights version
// (rollout/weight_chunk_wire.h), appended by the publisher while pushes to
// workers already send the first ones, so taking the snapshot overlaps with
// streaming it instead of preceding it.
//
// Contract: one writer appends frames in stream order (Append) and closes the
// queue once (Close): with OK after the final frame, or with the error that
// stopped it (a reader must then abandon its call: the stream will never
// complete). Readers Get frame i, waiting until it is appended, the queue is
// closed, or their deadline passes. A queue destroyed unclosed is a
// programmer error (asserted). Frames are shared, not copied: a Get returns
// a ByteBuffer sharing the frame's slices.
// Thread safety: one writer and any number of readers, from any threads.
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "base/status.h"

namespace rlzero {

class WeightFrameQueue {
 public:
  WeightFrameQueue() = default;
  // A complete stream: every frame, closed with OK.
  explicit WeightFrameQueue(std::vector<grpc::ByteBuffer> frames);
  ~WeightFrameQueue();
  WeightFrameQueue(const WeightFrameQueue&) = delete;
  WeightFrameQueue& operator=(const WeightFrameQueue&) = delete;

  void Append(grpc::ByteBuffer frame);
  void Close(Status status);

  // Frame i: OK with *frame set; OUT_OF_RANGE past the end of a stream
  // closed with OK; the writer's error once closed with one (even for frames
  // already appended); DEADLINE_EXCEEDED when `deadline` passes first.
  Status Get(size_t i, std::chrono::steady_clock::time_point deadline,
             grpc::ByteBuffer* frame) const;
  // True once the writer closed the queue with an error (its stream will
  // never complete: a reader's failure may be the writer's, not the peer's).
  bool FailedByWriter() const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable appended_;  // a frame appended or the queue closed
  std::vector<grpc::ByteBuffer> frames_;      // guarded by mu_
  bool closed_ = false;                       // guarded by mu_
  Status status_;                             // guarded by mu_; the Close status
};

}  // namespace rlzero
