// sandbox/sandbox_service.h: the gRPC SandboxService adapter (proto/rlzero/v1/
// sandbox.proto) over a Sandbox, and a helper that starts a server with it.
// The adapter only translates messages and maps Status codes; all behaviour
// lives in Sandbox (tests drive that without gRPC).
//
// Non-goals: authentication (arrives with the services issue: until then the
// server binds loopback by default and warns otherwise).
// Thread safety: Run is called concurrently by gRPC; Sandbox::Run is
// thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "base/status.h"
#include "rlzero/v1/sandbox.grpc.pb.h"
#include "sandbox/sandbox.h"

namespace rlzero::sandbox {

class SandboxServiceImpl final : public rlzero::v1::SandboxService::Service {
 public:
  explicit SandboxServiceImpl(Sandbox* sandbox) : sandbox_(sandbox) {}
  grpc::Status Run(grpc::ServerContext* context, const rlzero::v1::SandboxRunRequest* request,
                   rlzero::v1::SandboxRunResponse* response) override;

 private:
  Sandbox* sandbox_;  // not owned
};

// Maps a Status to a grpc::Status with the same code and message.
grpc::Status ToGrpcStatus(const Status& status);

struct SandboxServer {
  std::unique_ptr<SandboxServiceImpl> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;  // the bound port (useful with ADDR:0)
};

// Starts a server on `address` ("127.0.0.1:50061", "[::1]:0", "unix:/path").
// Messages over max_message_bytes are refused by gRPC (RESOURCE_EXHAUSTED).
StatusOr<SandboxServer> StartSandboxServer(const std::string& address, Sandbox* sandbox,
                                           int max_message_bytes);

}  // namespace rlzero::sandbox
