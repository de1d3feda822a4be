// rollout/rollout_service.h: the gRPC adapter of the rollout worker role
// (rlzero.v1.RolloutService): checks the bearer token, bounds and validates
// requests (INVALID_ARGUMENT naming the field), translates protos and calls
// RolloutWorker (and, for collective weight sync, CollectiveWeightReceiver).
// No logic of its own beyond translation. LoadWeights is
// served as a raw callback method (rollout/load_weights_reactor.h) so weight
// chunks are copied once; clients still send ordinary WeightChunk messages.
#pragma once

#include "rlzero/v1/rollout.grpc.pb.h"
#include "rollout/collective_weight_receiver.h"
#include "rollout/rollout_worker.h"
#include "rpc/auth.h"

namespace rlzero {

struct RolloutServiceLimits {
  int64_t max_prompts = 4096;
  int64_t max_prompt_tokens = 1 << 16;
  int64_t max_samples = 64;
  int64_t max_new_tokens = 1 << 16;
  uint64_t max_weight_bytes = 64ull << 30;
};

class RolloutServiceImpl final
    : public v1::RolloutService::WithRawCallbackMethod_LoadWeights<v1::RolloutService::Service> {
 public:
  RolloutServiceImpl(RolloutWorker* worker, rpc::TokenAuth auth, RolloutServiceLimits limits = {},
                     std::string model_type = "");

  grpc::Status Generate(grpc::ServerContext* ctx, const v1::GenerateRequest* req,
                        v1::GenerateResponse* resp) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* LoadWeights(grpc::CallbackServerContext* ctx,
                                                         grpc::ByteBuffer* resp) override;
  grpc::Status GetStatus(grpc::ServerContext* ctx, const v1::WorkerStatusRequest* req,
                         v1::WorkerStatusResponse* resp) override;
  grpc::Status JoinWeightGroup(grpc::ServerContext* ctx, const v1::JoinWeightGroupRequest* req,
                               v1::JoinWeightGroupResponse* resp) override;
  grpc::Status LoadWeightsCollective(grpc::ServerContext* ctx,
                                     const v1::CollectiveWeightsRequest* req,
                                     v1::LoadWeightsResponse* resp) override;

 private:
  RolloutWorker* worker_;
  rpc::TokenAuth auth_;
  RolloutServiceLimits limits_;
  std::string model_type_;
  WeightStagingCache staging_;  // LoadWeights' assembly tensors, kept between versions
  CollectiveWeightReceiver collective_;
};

SamplingParams FromProto(const v1::SamplingParamsProto& p);
void ToProto(const SamplingParams& p, v1::SamplingParamsProto* out);

}  // namespace rlzero
