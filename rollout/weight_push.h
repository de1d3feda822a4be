// rollout/weight_push.h: the learner's side of one RolloutService.LoadWeights
// call, sending pre-encoded WeightChunk frames (rollout/weight_chunk_wire.h)
// through gRPC's generic stub, so no frame is copied or re-serialised.
//
// Contract: sends every frame in order with one write in flight at a time,
// half-closes, and returns the worker's LoadWeightsResponse, or the call's
// error (UNAUTHENTICATED, DATA_LOSS, DEADLINE_EXCEEDED, ...) as a Status.
// The whole call is bounded by `timeout`. From a WeightFrameQueue, frames
// are sent as the publisher appends them; if it closes the queue with an
// error, the call is cancelled (the worker drops the partial version) and
// that error is returned. Thread safety: one call per
// thread; concurrent calls on one channel are fine.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/support/byte_buffer.h>

#include <chrono>
#include <memory>
#include <vector>

#include "base/status.h"
#include "rlzero/v1/rollout.pb.h"
#include "rollout/weight_frame_queue.h"
#include "rpc/auth.h"

namespace rlzero {

StatusOr<v1::LoadWeightsResponse> PushWeightFrames(const std::shared_ptr<grpc::Channel>& channel,
                                                   const rpc::TokenAuth& auth,
                                                   std::chrono::milliseconds timeout,
                                                   const WeightFrameQueue& frames);
// A complete list of frames.
StatusOr<v1::LoadWeightsResponse> PushWeightFrames(const std::shared_ptr<grpc::Channel>& channel,
                                                   const rpc::TokenAuth& auth,
                                                   std::chrono::milliseconds timeout,
                                                   const std::vector<grpc::ByteBuffer>& frames);

}  // namespace rlzero
