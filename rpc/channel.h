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

// How this process connects to rlzero servers. TLS is on when tls_ca_file is
// set: the server's certificate must chain to that CA and name the host
// dialled. tls_cert_file + tls_key_file (both or neither) add a client
// certificate for servers that require one (mutual TLS, --tls-client-ca).
struct ClientOptions {
  std::string tls_ca_file;    // PEM roots; enables TLS when set
  std::string tls_cert_file;  // client certificate (optional)
  std::string tls_key_file;
  int64_t max_message_bytes = 64 << 20;

  bool tls() const { return !tls_ca_file.empty(); }
  // INVALID_ARGUMENT naming the flag: a cert without its key (or the
  // reverse), or a client certificate without a CA.
  Status Validate() const;
};

StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& address,
                                                     const ClientOptions& options);

// Sets the deadline and attaches the token.
void PrepareContext(grpc::ClientContext* context, const TokenAuth& auth,
                    std::chrono::milliseconds timeout);

}  // namespace rlzero::rpc
