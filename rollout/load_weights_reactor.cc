// rollout/load_weights_reactor.cc
#include "rollout/load_weights_reactor.h"

#include <thread>

#include "rlzero/v1/rollout.grpc.pb.h"  // SerializationTraits for protobuf messages
#include "rpc/status_mapping.h"

namespace rlzero {

LoadWeightsReactor::LoadWeightsReactor(grpc::CallbackServerContext* context,
                                       const rpc::TokenAuth& auth, RolloutWorker* worker,
                                       WeightStagingCache* staging, uint64_t max_weight_bytes,
                                       grpc::ByteBuffer* response)
    : worker_(worker),
      staging_(staging),
      response_(response),
      assembler_(max_weight_bytes),
      start_(std::chrono::steady_clock::now()) {
  if (grpc::Status st = auth.Check(*context); !st.ok()) {
    Finish(st);
    return;
  }
  assembler_.Recycle(staging_->Take());
  StartRead(&frame_);
}

void LoadWeightsReactor::OnReadDone(bool ok) {
  if (!ok) {  // the learner half-closed (or the call broke: Finish is then a no-op)
    std::thread([this] { ApplyAndFinish(); }).detach();
    return;
  }
  Status s = DecodeWeightChunk(frame_, &decoded_);
  if (s.ok()) s = assembler_.Add(decoded_.header, decoded_.pieces);
  decoded_.slices.clear();  // release the frame's memory before the next read
  decoded_.pieces.clear();
  frame_.Clear();
  if (!s.ok()) {
    Finish(rpc::ToGrpcStatus(s));
    return;
  }
  StartRead(&frame_);
}

void LoadWeightsReactor::ApplyAndFinish() {
  auto tensors = assembler_.Finish();
  if (!tensors.ok()) return Finish(rpc::ToGrpcStatus(tensors.status()));
  Status loaded = worker_->LoadWeights(assembler_.version(), *tensors);
  // Copied into the model (or refused): the tensors are scratch again.
  staging_->Put(std::move(tensors).value());
  if (!loaded.ok()) return Finish(rpc::ToGrpcStatus(loaded));
  v1::LoadWeightsResponse resp;
  resp.set_version(assembler_.version());
  resp.set_bytes(assembler_.total_bytes());
  resp.set_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  bool own_buffer = false;
  grpc::Status st =
      grpc::SerializationTraits<v1::LoadWeightsResponse>::Serialize(resp, response_, &own_buffer);
  Finish(st);
}

}  // namespace rlzero
