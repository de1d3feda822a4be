// rewards/grpc_plugin.h: a reward plugin served over gRPC by any process that
// implements rlzero.v1.VerifierService (proto/rlzero/v1/verifier.proto),
// e.g. examples/plugins/python_verifier.py or `rlzero verifier-server`.
//
// Verify sends one VerifyRequest, VerifyBatch one VerifyBatchRequest per
// 1024 samples, each
// with the gRPC deadline set to the call's Deadline (and timeout_ms = the time
// left, so the server can bound its own work). A failed RPC fails every
// sample of the call with the mapped Status (UNAVAILABLE when the server is
// down, DEADLINE_EXCEEDED, ...); a response with `error` set fails that
// sample. Every call carries the bearer token when one is given (rpc/auth.h).
// Messages up to 64 MiB. Connect dials with rpc::ClientOptions: TLS with a CA
// (tls_ca_file) and optionally a client certificate (mutual TLS); the plain
// constructor dials without TLS.
// Thread safety: thread-safe (gRPC stubs are).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "rpc/auth.h"
#include "rpc/channel.h"
#include "verifiers/verifier.h"

namespace rlzero::rewards {

class GrpcPlugin : public verifiers::Verifier {
 public:
  // address: "host:port" or "unix:/path"; task: the verifier name on the server.
  GrpcPlugin(const std::string& address, std::string task,
             rpc::TokenAuth auth = rpc::TokenAuth::Disabled());
  // As above over a channel made by rpc::MakeChannel(address, client):
  // INVALID_ARGUMENT for inconsistent options, NOT_FOUND/... naming an
  // unreadable certificate file. Nothing is dialled until the first call.
  static StatusOr<std::unique_ptr<GrpcPlugin>> Connect(const std::string& address, std::string task,
                                                       rpc::TokenAuth auth,
                                                       const rpc::ClientOptions& client);
  ~GrpcPlugin() override;

  StatusOr<verifiers::VerifyResult> Verify(const Json& sample,
                                           const verifiers::Deadline& deadline) const override;
  std::vector<StatusOr<verifiers::VerifyResult>> VerifyBatch(
      const std::vector<Json>& samples, const verifiers::Deadline& deadline) const override;

 private:
  struct Impl;
  GrpcPlugin(std::unique_ptr<Impl> impl, const std::string& address, std::string task,
             rpc::TokenAuth auth);
  std::unique_ptr<Impl> impl_;
  std::string address_;
  std::string task_;
  rpc::TokenAuth auth_;
};

}  // namespace rlzero::rewards
