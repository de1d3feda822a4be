// rewards/verifier_service.h: the gRPC adapter for rlzero.v1.VerifierService
// over a VerifierHost, and a helper that starts a server. Translation only:
// protos in, VerifierHost calls, protos out; request-level errors map to
// gRPC status codes (grpc_status.h), per-sample errors to VerifyResponse.error.
// Thread safety: gRPC calls the service from many threads; VerifierHost is
// reentrant. The host must outlive the service.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "rewards/verifier_host.h"
#include "rlzero/v1/verifier.grpc.pb.h"

namespace rlzero::rewards {

class VerifierServiceImpl final : public rlzero::v1::VerifierService::Service {
 public:
  explicit VerifierServiceImpl(const VerifierHost* host) : host_(host) {}

  grpc::Status Verify(grpc::ServerContext* ctx, const rlzero::v1::VerifyRequest* req,
                      rlzero::v1::VerifyResponse* resp) override;
  grpc::Status VerifyBatch(grpc::ServerContext* ctx, const rlzero::v1::VerifyBatchRequest* req,
                           rlzero::v1::VerifyBatchResponse* resp) override;
  grpc::Status ListVerifiers(grpc::ServerContext* ctx, const rlzero::v1::ListVerifiersRequest* req,
                             rlzero::v1::ListVerifiersResponse* resp) override;

 private:
  const VerifierHost* host_;
};

// Starts a server for `service` on `address` ("127.0.0.1:0" picks a free
// port); *bound_port gets the port. Incoming messages are capped at
// max_message_bytes (larger ones fail with RESOURCE_EXHAUSTED from gRPC).
StatusOr<std::unique_ptr<grpc::Server>> StartVerifierServer(const std::string& address,
                                                            VerifierServiceImpl* service,
                                                            int max_message_bytes, int* bound_port);

}  // namespace rlzero::rewards
