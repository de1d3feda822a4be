// rollout/learner_service.h: the learner's gRPC endpoint
// (rlzero.v1.LearnerService) through which rollout workers started by address
// (`rlzero rollout-worker --learner ADDR`) join the learner's worker pool, plus
// a status call. It lives beside the pool it feeds; the learner process owns
// both.
#pragma once

#include <atomic>
#include <string>

#include "rlzero/v1/learner.grpc.pb.h"
#include "rollout/remote_rollout_pool.h"
#include "rpc/auth.h"

namespace rlzero {

class LearnerServiceImpl final : public v1::LearnerService::Service {
 public:
  LearnerServiceImpl(RemoteRolloutPool* pool, rpc::TokenAuth auth, std::string model_type);

  grpc::Status RegisterWorker(grpc::ServerContext* ctx, const v1::RegisterWorkerRequest* req,
                              v1::RegisterWorkerResponse* resp) override;
  grpc::Status GetStatus(grpc::ServerContext* ctx, const v1::LearnerStatusRequest* req,
                         v1::LearnerStatusResponse* resp) override;

  // Updated by the training loop.
  void SetProgress(int64_t step, int64_t weights_version) {
    step_ = step;
    version_ = weights_version;
  }

 private:
  RemoteRolloutPool* pool_;
  rpc::TokenAuth auth_;
  std::string model_type_;
  std::atomic<int64_t> step_{0}, version_{0};
};

// Worker side: registers `my_address` with the learner at `learner_address`,
// retrying for up to timeout_ms (the learner may start later).
Status RegisterWithLearner(const std::string& learner_address, const std::string& my_address,
                           const std::string& name, const rpc::TokenAuth& auth,
                           const rpc::ClientOptions& client, int64_t timeout_ms);

}  // namespace rlzero
