// rpc/server_runner.h: start a gRPC server the rlzero way, for every role
// (learner, rollout worker, verifier, sandbox).
//
// What every server gets: the standard grpc.health.v1 health service, a bound
// on message sizes, loopback by default (a bare ":PORT" or "PORT" means
// 127.0.0.1:PORT; any other host must be given explicitly), optional TLS with
// server certificates and optional client certificates, bearer-token auth
// (handlers call TokenAuth::Check), a log line naming role and address,
// per-method RPC counters and latencies (rpc/metrics_interceptor.h) and, with
// metrics_listen, an HTTP /metrics endpoint.
// Thread safety: Start/Shutdown from one thread; Wait from any.
#pragma once

#include <grpcpp/impl/codegen/service_type.h>
#include <grpcpp/server.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "rpc/auth.h"
#include "telemetry/metrics_http_server.h"

namespace rlzero::rpc {

struct ServerOptions {
  std::string role = "server";         // for logs: "verifier-server", ...
  std::string listen = "127.0.0.1:0";  // port 0 = pick a free port
  std::string auth_token_file;         // empty = no auth unless `auth` is set
  bool allow_no_auth = false;          // must be true to run without a token
  int64_t max_message_bytes = 64 << 20;
  std::string tls_cert_file;  // PEM; with tls_key_file enables TLS
  std::string tls_key_file;
  std::string tls_client_ca_file;  // PEM; if set, client certificates are required
  // Non-empty: also serve GET /metrics (Prometheus text, no auth) over HTTP
  // here (telemetry/metrics_http_server.h); "PORT" means loopback.
  std::string metrics_listen;
};

// "9000" or ":9000" -> "127.0.0.1:9000"; "unix:/path" and "host:port" unchanged.
std::string NormalizeListenAddress(const std::string& listen);

class ServerRunner {
 public:
  ServerRunner() = default;
  ~ServerRunner();
  // Loads the token (if any), registers services (not owned; must outlive the
  // server), binds and starts. Returns the address actually bound.
  StatusOr<std::string> Start(const ServerOptions& options,
                              const std::vector<grpc::Service*>& services);
  const TokenAuth& auth() const { return auth_; }
  int port() const { return port_; }
  // The /metrics port (0 without metrics_listen).
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }
  // Blocks until Shutdown() or SIGINT/SIGTERM (when WaitForSignal is used).
  void Wait();
  // Blocks until SIGINT or SIGTERM arrives, then shuts down gracefully.
  void WaitForSignal();
  void Shutdown();

 private:
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<telemetry::MetricsHttpServer> metrics_;
  TokenAuth auth_ = TokenAuth::Disabled();
  int port_ = 0;
};

// Loads the auth for a server from options (token file, or disabled when
// allowed); an error explains how to provide a token.
StatusOr<TokenAuth> LoadServerAuth(const ServerOptions& options);

}  // namespace rlzero::rpc
