// sandbox/sandbox_service.h: the gRPC SandboxService adapter (proto/rlzero/v1/
// sandbox.proto) over a Sandbox, and a helper that starts a server with it.
// The adapter only translates messages and maps Status codes; all behaviour
// lives in Sandbox (tests drive that without gRPC).
//
// Every RPC needs the bearer token (rpc/auth.h) unless the server runs with
// --no-auth; servers bind loopback unless told otherwise (rpc/server_runner.h).
// Thread safety: Run is called concurrently by gRPC; Sandbox::Run is
// thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "base/status.h"
#include "rlzero/v1/sandbox.grpc.pb.h"
#include "rpc/auth.h"
#include "rpc/server_runner.h"
#include "sandbox/sandbox.h"

namespace rlzero::sandbox {

class SandboxServiceImpl final : public rlzero::v1::SandboxService::Service {
 public:
  SandboxServiceImpl(Sandbox* sandbox, rpc::TokenAuth auth)
      : sandbox_(sandbox), auth_(std::move(auth)) {}
  grpc::Status Run(grpc::ServerContext* context, const rlzero::v1::SandboxRunRequest* request,
                   rlzero::v1::SandboxRunResponse* response) override;

 private:
  Sandbox* sandbox_;  // not owned
  rpc::TokenAuth auth_;
};

struct SandboxServer {
  std::unique_ptr<SandboxServiceImpl> service;
  std::unique_ptr<rpc::ServerRunner> runner;
  std::string address;  // as bound (port resolved)
};

// Starts a server as `options` say (listen address, token, TLS, message
// bound: larger messages are refused by gRPC with RESOURCE_EXHAUSTED).
StatusOr<SandboxServer> StartSandboxServer(const rpc::ServerOptions& options, Sandbox* sandbox);

}  // namespace rlzero::sandbox
