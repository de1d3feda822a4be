// rpc/channel.h: client side of rlzero RPCs: channels (plain or TLS) and call
// contexts that carry the bearer token and a deadline.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "rpc/auth.h"

namespace rlzero::rpc {

struct ClientOptions {
  std::string tls_ca_file;    // PEM roots; enables TLS when set
  std::string tls_cert_file;  // client certificate (optional)
  std::string tls_key_file;
  int64_t max_message_bytes = 64 << 20;
};

StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& address,
                                                     const ClientOptions& options);

// Sets the deadline and attaches the token.
void PrepareContext(grpc::ClientContext* context, const TokenAuth& auth,
                    std::chrono::milliseconds timeout);

}  // namespace rlzero::rpc
