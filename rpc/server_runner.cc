// rpc/server_runner.cc
#include "rpc/server_runner.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <cstdio>

#include "base/file_contents.h"
#include "rpc/metrics_interceptor.h"

namespace rlzero::rpc {
std::string NormalizeListenAddress(const std::string& listen) {
  if (listen.rfind("unix:", 0) == 0) return listen;
  if (!listen.empty() && listen.find(':') == std::string::npos) return "127.0.0.1:" + listen;
  if (!listen.empty() && listen[0] == ':') return "127.0.0.1" + listen;
  return listen;
}

StatusOr<TokenAuth> LoadServerAuth(const ServerOptions& options) {
  if (!options.auth_token_file.empty()) return TokenAuth::FromFile(options.auth_token_file);
  if (options.allow_no_auth) return TokenAuth::Disabled();
  return InvalidArgument(options.role +
                         ": every RPC needs a bearer token: pass --auth-token-file FILE "
                         "(or --no-auth to run unauthenticated, e.g. in tests)");
}

ServerRunner::~ServerRunner() { Shutdown(); }

StatusOr<std::string> ServerRunner::Start(const ServerOptions& options,
                                          const std::vector<grpc::Service*>& services) {
  RLZ_ASSIGN_OR_RETURN(auth_, LoadServerAuth(options));
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    if (options.tls_cert_file.empty() || options.tls_key_file.empty())
      return InvalidArgument(options.role + ": TLS needs both a certificate and a key file");
    grpc::SslServerCredentialsOptions ssl(
        options.tls_client_ca_file.empty()
            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    RLZ_ASSIGN_OR_RETURN(pair.cert_chain, ReadFileContents(options.tls_cert_file));
    RLZ_ASSIGN_OR_RETURN(pair.private_key, ReadFileContents(options.tls_key_file));
    ssl.pem_key_cert_pairs.push_back(pair);
    if (!options.tls_client_ca_file.empty()) {
      RLZ_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFileContents(options.tls_client_ca_file));
    }
    creds = grpc::SslServerCredentials(ssl);
  } else {
    creds = grpc::InsecureServerCredentials();
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  std::string address = NormalizeListenAddress(options.listen);
  builder.AddListeningPort(address, creds, &port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  for (auto* s : services) builder.RegisterService(s);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeMetricsInterceptorFactory(options.role));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server_ = builder.BuildAndStart();
  if (!server_) return Unavailable(options.role + ": cannot listen on " + address);
  std::string bound = address;
  if (address.rfind("unix:", 0) != 0) {
    bound = address.substr(0, address.rfind(':')) + ":" + std::to_string(port_);
  }
  std::fprintf(stderr, "[%s] listening on %s (auth: %s, tls: %s)\n", options.role.c_str(),
               bound.c_str(), auth_.enabled() ? "bearer token" : "NONE",
               options.tls_cert_file.empty() ? "off" : "on");
  if (!options.metrics_listen.empty()) {
    metrics_ = std::make_unique<telemetry::MetricsHttpServer>();
    auto metrics_address = metrics_->Start(options.metrics_listen);
    if (!metrics_address.ok()) {
      Shutdown();
      return metrics_address.status().WithContext(options.role);
    }
    std::fprintf(stderr, "[%s] metrics on http://%s/metrics\n", options.role.c_str(),
                 metrics_address->c_str());
  }
  return bound;
}

void ServerRunner::Wait() {
  if (server_) server_->Wait();
}

void ServerRunner::WaitForSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  // Callers block these signals in main before starting threads, so sigwait
  // receives them here.
  int sig = 0;
  sigwait(&set, &sig);
  Shutdown();
}

void ServerRunner::Shutdown() {
  if (server_) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_.reset();
  }
  metrics_.reset();
}

}  // namespace rlzero::rpc
