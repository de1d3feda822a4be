// rollout/learner_service.cc
#include "rollout/learner_service.h"

#include <chrono>
#include <thread>

#include "rpc/status_mapping.h"

namespace rlzero {

LearnerServiceImpl::LearnerServiceImpl(RemoteRolloutPool* pool, rpc::TokenAuth auth,
                                       std::string model_type)
    : pool_(pool), auth_(std::move(auth)), model_type_(std::move(model_type)) {}

grpc::Status LearnerServiceImpl::RegisterWorker(grpc::ServerContext* ctx,
                                                const v1::RegisterWorkerRequest* req,
                                                v1::RegisterWorkerResponse* resp) {
  if (auto st = auth_.Check(*ctx); !st.ok()) return st;
  const std::string& a = req->address();
  if (a.empty() || a.size() > 512)
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "RegisterWorker: bad address");
  if (Status s = pool_->AddWorker(a); !s.ok()) return rpc::ToGrpcStatus(s);
  resp->set_weights_version(version_);
  resp->set_model_type(model_type_);
  return grpc::Status::OK;
}

grpc::Status LearnerServiceImpl::GetStatus(grpc::ServerContext* ctx,
                                           const v1::LearnerStatusRequest*,
                                           v1::LearnerStatusResponse* resp) {
  if (auto st = auth_.Check(*ctx); !st.ok()) return st;
  resp->set_step(step_);
  resp->set_weights_version(version_);
  resp->set_workers(pool_->live_workers());
  return grpc::Status::OK;
}

Status RegisterWithLearner(const std::string& learner_address, const std::string& my_address,
                           const std::string& name, const rpc::TokenAuth& auth,
                           const rpc::ClientOptions& client, int64_t timeout_ms) {
  RLZ_ASSIGN_OR_RETURN(auto channel, rpc::MakeChannel(learner_address, client));
  auto stub = v1::LearnerService::NewStub(channel);
  auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Status last;
  while (std::chrono::steady_clock::now() < give_up) {
    grpc::ClientContext ctx;
    rpc::PrepareContext(&ctx, auth, std::chrono::milliseconds(5000));
    v1::RegisterWorkerRequest req;
    req.set_address(my_address);
    req.set_name(name);
    v1::RegisterWorkerResponse resp;
    grpc::Status st = stub->RegisterWorker(&ctx, req, &resp);
    if (st.ok()) return Status::Ok();
    last = rpc::FromGrpcStatus(st);
    if (st.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
        st.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return last.WithContext("register with learner " + learner_address);
}

}  // namespace rlzero
