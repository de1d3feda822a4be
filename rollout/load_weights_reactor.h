// rollout/load_weights_reactor.h: the rollout worker's side of
// RolloutService.LoadWeights as a gRPC callback reactor over raw frames, so
// each chunk's data is copied once, from the received buffer straight into
// the tensor being rebuilt (no protobuf message in between).
//
// Contract: the same as the protobuf handler it replaces: the bearer token is
// checked first; every frame goes through DecodeWeightChunk and a
// WeightAssembler (sizes bounded before allocation; order, names, shapes and
// the checksum checked); the first bad frame ends the call with its Status.
// When the stream ends complete, the assembled version is handed to
// RolloutWorker::LoadWeights on a thread of its own (it waits for any running
// generation, which must not block gRPC's callback threads), and the call
// answers LoadWeightsResponse. The worker never sees a partial version.
// The assembly tensors come from `staging` (those of an earlier call, reused
// where names, dtypes and shapes match) and go back to it once applied.
// Ownership: created by the service per call; deletes itself in OnDone. The
// server must be shut down before the worker and `staging` are destroyed
// (shutdown waits for every call to finish).
#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>

#include "rollout/rollout_worker.h"
#include "rollout/weight_stream.h"
#include "rpc/auth.h"

namespace rlzero {

class LoadWeightsReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  // Starts reading, or finishes at once with the auth error.
  LoadWeightsReactor(grpc::CallbackServerContext* context, const rpc::TokenAuth& auth,
                     RolloutWorker* worker, WeightStagingCache* staging, uint64_t max_weight_bytes,
                     grpc::ByteBuffer* response);

  void OnReadDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  void ApplyAndFinish();

  RolloutWorker* worker_;
  WeightStagingCache* staging_;
  grpc::ByteBuffer* response_;
  WeightAssembler assembler_;
  grpc::ByteBuffer frame_;
  DecodedWeightChunk decoded_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace rlzero
