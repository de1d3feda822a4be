// rewards/verifier_service.h: the gRPC adapter for rlzero.v1.VerifierService
// over a VerifierHost (servers start through rpc/server_runner.h). Translation only:
// protos in, VerifierHost calls, protos out; request-level errors map to
// gRPC status codes (rpc/status_mapping.h), per-sample errors to VerifyResponse.error.
// Thread safety: gRPC calls the service from many threads; VerifierHost is
// reentrant. The host must outlive the service.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "rewards/verifier_host.h"
#include "rlzero/v1/verifier.grpc.pb.h"
#include "rpc/auth.h"

namespace rlzero::rewards {

class VerifierServiceImpl final : public rlzero::v1::VerifierService::Service {
 public:
  // Every RPC must carry `auth`'s token (Disabled() accepts all: tests only).
  VerifierServiceImpl(const VerifierHost* host, rpc::TokenAuth auth)
      : host_(host), auth_(std::move(auth)) {}

  grpc::Status Verify(grpc::ServerContext* ctx, const rlzero::v1::VerifyRequest* req,
                      rlzero::v1::VerifyResponse* resp) override;
  grpc::Status VerifyBatch(grpc::ServerContext* ctx, const rlzero::v1::VerifyBatchRequest* req,
                           rlzero::v1::VerifyBatchResponse* resp) override;
  grpc::Status ListVerifiers(grpc::ServerContext* ctx, const rlzero::v1::ListVerifiersRequest* req,
                             rlzero::v1::ListVerifiersResponse* resp) override;

 private:
  const VerifierHost* host_;
  rpc::TokenAuth auth_;
};

}  // namespace rlzero::rewards
