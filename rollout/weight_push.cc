// rollout/weight_push.cc
#include "rollout/weight_push.h"

#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include "rpc/channel.h"
#include "rpc/status_mapping.h"

namespace rlzero {
namespace {

constexpr char kLoadWeightsMethod[] = "/rlzero.v1.RolloutService/LoadWeights";

// Waits for the one operation in flight on `cq`; false when it failed.
bool Await(grpc::CompletionQueue* cq) {
  void* tag = nullptr;
  bool ok = false;
  return cq->Next(&tag, &ok) && ok;
}

}  // namespace

StatusOr<v1::LoadWeightsResponse> PushWeightFrames(const std::shared_ptr<grpc::Channel>& channel,
                                                   const rpc::TokenAuth& auth,
                                                   std::chrono::milliseconds timeout,
                                                   const WeightFrameQueue& frames) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  rpc::PrepareContext(&ctx, auth, timeout);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&ctx, kLoadWeightsMethod, &cq);
  void* const tag = &ctx;
  call->StartCall(tag);
  // A failed start or write means the call is over (refused, deadline, the
  // worker hung up): Finish below reports why.
  bool open = Await(&cq);
  Status abandoned = Status::Ok();  // why the publisher's stream cannot complete
  for (size_t i = 0; open; ++i) {
    grpc::ByteBuffer frame;
    Status got = frames.Get(i, deadline, &frame);
    if (got.code() == StatusCode::kOutOfRange) break;  // every frame sent
    if (!got.ok()) {
      // Cancel, so the worker drops what it got instead of waiting for more.
      abandoned = got;
      ctx.TryCancel();
      open = false;
      break;
    }
    call->Write(frame, tag);
    open = Await(&cq);
  }
  if (open) {
    call->WritesDone(tag);
    Await(&cq);
  }
  grpc::ByteBuffer reply;
  call->Read(&reply, tag);
  const bool got_reply = Await(&cq);
  grpc::Status status;
  call->Finish(&status, tag);
  Await(&cq);
  cq.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (cq.Next(&ignored_tag, &ignored_ok)) {
  }
  if (!abandoned.ok()) return abandoned;
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  v1::LoadWeightsResponse response;
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!got_reply || !reply.Dump(&slices).ok())
    return DataLoss("LoadWeights: the worker sent no response");
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (!response.ParseFromString(bytes)) return DataLoss("LoadWeights: malformed response");
  return response;
}

StatusOr<v1::LoadWeightsResponse> PushWeightFrames(const std::shared_ptr<grpc::Channel>& channel,
                                                   const rpc::TokenAuth& auth,
                                                   std::chrono::milliseconds timeout,
                                                   const std::vector<grpc::ByteBuffer>& frames) {
  return PushWeightFrames(channel, auth, timeout, WeightFrameQueue(frames));
}

}  // namespace rlzero
