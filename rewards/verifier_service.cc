// rewards/verifier_service.cc
#include "rewards/verifier_service.h"

#include <algorithm>
#include <chrono>

#include "rpc/status_mapping.h"

namespace rlzero::rewards {
namespace {

void ToProto(const StatusOr<verifiers::VerifyResult>& r, rlzero::v1::VerifyResponse* p) {
  if (!r.ok()) {
    p->set_error(r.status().ToString());
    return;
  }
  p->set_correct(r->correct);
  p->set_score(r->score);
  p->set_extracted(r->extracted);
  p->set_reason(r->reason);
}

// The request's own timeout, shortened to the client's gRPC deadline.
int64_t EffectiveTimeoutMs(grpc::ServerContext* ctx, int64_t requested) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  ctx->deadline() - std::chrono::system_clock::now())
                  .count();
  if (left <= 0) left = 1;
  return requested > 0 ? std::min<int64_t>(requested, left) : left;
}

}  // namespace

grpc::Status VerifierServiceImpl::Verify(grpc::ServerContext* ctx,
                                         const rlzero::v1::VerifyRequest* req,
                                         rlzero::v1::VerifyResponse* resp) {
  if (grpc::Status st = auth_.Check(*ctx); !st.ok()) return st;
  auto r =
      host_->Verify(req->task(), req->sample_json(), EffectiveTimeoutMs(ctx, req->timeout_ms()));
  if (!r.ok()) return rpc::ToGrpcStatus(r.status());
  ToProto(*r, resp);
  return grpc::Status::OK;
}

grpc::Status VerifierServiceImpl::VerifyBatch(grpc::ServerContext* ctx,
                                              const rlzero::v1::VerifyBatchRequest* req,
                                              rlzero::v1::VerifyBatchResponse* resp) {
  if (grpc::Status st = auth_.Check(*ctx); !st.ok()) return st;
  std::vector<std::string> samples(req->samples_json().begin(), req->samples_json().end());
  auto r = host_->VerifyBatch(req->task(), samples, EffectiveTimeoutMs(ctx, req->timeout_ms()));
  if (!r.ok()) return rpc::ToGrpcStatus(r.status());
  for (const auto& one : *r) ToProto(one, resp->add_results());
  return grpc::Status::OK;
}

grpc::Status VerifierServiceImpl::ListVerifiers(grpc::ServerContext* ctx,
                                                const rlzero::v1::ListVerifiersRequest*,
                                                rlzero::v1::ListVerifiersResponse* resp) {
  if (grpc::Status st = auth_.Check(*ctx); !st.ok()) return st;
  for (const std::string& n : host_->Names()) resp->add_names(n);
  return grpc::Status::OK;
}

}  // namespace rlzero::rewards
