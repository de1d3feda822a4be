// cli/server_flags.cc
#include "cli/server_flags.h"

#include <signal.h>

namespace rlzero::cli {

void AddServerFlags(CLI::App& app, rpc::ServerOptions* o) {
  app.add_option("--listen", o->listen,
                 "address to serve on: PORT or :PORT (loopback), HOST:PORT, unix:PATH")
      ->capture_default_str();
  app.add_option("--auth-token-file", o->auth_token_file,
                 "file holding the bearer token every RPC must carry");
  app.add_flag("--no-auth", o->allow_no_auth, "serve without authentication (tests only)");
  app.add_option("--tls-cert", o->tls_cert_file, "PEM server certificate (enables TLS)");
  app.add_option("--tls-key", o->tls_key_file, "PEM server private key");
  app.add_option("--tls-client-ca", o->tls_client_ca_file,
                 "PEM CA for client certificates (then required)");
  app.add_option("--max-message-bytes", o->max_message_bytes, "largest request/response")
      ->capture_default_str();
  app.add_option("--metrics-listen", o->metrics_listen,
                 "also serve Prometheus /metrics over HTTP here: PORT or :PORT (loopback), "
                 "HOST:PORT; no auth");
}

void AddClientTlsFlags(CLI::App& app, rpc::ClientOptions* o) {
  app.add_option("--client-tls-ca", o->tls_ca_file,
                 "PEM CA that signed the servers this process dials (enables client TLS)");
  app.add_option("--client-tls-cert", o->tls_cert_file,
                 "PEM client certificate, for servers started with --tls-client-ca");
  app.add_option("--client-tls-key", o->tls_key_file, "PEM private key of --client-tls-cert");
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace rlzero::cli
