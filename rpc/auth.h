// rpc/auth.h: bearer-token authentication for every rlzero RPC.
//
// Contract: a client sends metadata `authorization: Bearer <token>`; a server
// handler calls Check() first and returns its status when not OK
// (UNAUTHENTICATED, the same message for a missing and a wrong token). The
// token is compared in constant time. The standard health service
// (grpc.health.v1) stays open. An auth object made with Disabled() accepts
// everything: only for tests and explicitly unauthenticated deployments.
// Thread safety: immutable after construction; share freely.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <string>

#include "base/status.h"

namespace rlzero::rpc {

class TokenAuth {
 public:
  // Reads the token from a file (surrounding whitespace trimmed). An empty or
  // unreadable file is an error naming the path.
  static StatusOr<TokenAuth> FromFile(const std::string& path);
  static TokenAuth FromToken(std::string token);
  static TokenAuth Disabled();
  // 32 random bytes from /dev/urandom, hex-encoded.
  static StatusOr<std::string> GenerateToken();

  bool enabled() const { return !token_.empty(); }
  grpc::Status Check(const grpc::ServerContextBase& context) const;  // sync or callback
  // Adds the authorization metadata to an outgoing call.
  void Attach(grpc::ClientContext* context) const;

 private:
  explicit TokenAuth(std::string token) : token_(std::move(token)) {}
  std::string token_;  // empty = disabled
};

// Writes a fresh token to `path` with mode 0600 and returns it.
StatusOr<std::string> WriteNewTokenFile(const std::string& path);

}  // namespace rlzero::rpc
