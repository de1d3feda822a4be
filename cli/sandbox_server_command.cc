// cli/sandbox_server_command.cc: `rlzero sandbox-server [--listen ADDR]
// [--config FILE] [--set k=v]`: serves SandboxService (proto/rlzero/v1/
// sandbox.proto) until SIGINT/SIGTERM. Binds loopback by default; there is no
// authentication yet, so a non-loopback address is served with a warning.
// Prints {"listening": "HOST:PORT"} on stdout once ready (PORT resolved when
// ADDR ends in :0); progress on stderr.
#include <signal.h>

#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_config.h"
#include "sandbox/sandbox_service.h"

namespace rlzero::cli {

namespace {

bool IsLoopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr.rfind("localhost:", 0) == 0 ||
         addr.rfind("[::1]:", 0) == 0 || addr.rfind("unix:", 0) == 0;
}

}  // namespace

int RunSandboxServer(int argc, char** argv) {
  CLI::App app{"serve the sandbox over gRPC (SandboxService)", "rlzero sandbox-server"};
  std::string listen = "127.0.0.1:50061";
  ConfigFlags cfg;
  app.add_option("--listen", listen,
                 "address to serve on (default 127.0.0.1:50061; :0 picks a port)");
  cfg.Add(app, false);
  return RunApp(app, argc, argv, [&]() -> int {
    auto reader = cfg.Load();
    if (!reader.ok()) return ReportError("rlzero sandbox-server", reader.status());
    ConfigReader section = reader->Section("sandbox");
    sandbox::SandboxConfig config = sandbox::SandboxConfig::FromConfig(section);
    Status st = reader->Finish();
    if (!st.ok()) {
      ReportError("rlzero sandbox-server", st);
      return 2;
    }
    // Block the stop signals before any thread starts, then wait for them.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    auto box = sandbox::CreateSandbox(config);
    if (!box.ok()) return ReportError("rlzero sandbox-server", box.status());
    int64_t max_msg = config.max_source_bytes + config.max_stdin_bytes + (1 << 20);
    auto server = sandbox::StartSandboxServer(
        listen, box->get(), static_cast<int>(std::min<int64_t>(max_msg, 1 << 30)));
    if (!server.ok()) return ReportError("rlzero sandbox-server", server.status());
    std::string bound = listen;
    size_t colon = listen.rfind(':');
    if (listen.rfind("unix:", 0) != 0 && colon != std::string::npos)
      bound = listen.substr(0, colon + 1) + std::to_string(server->port);
    if (!IsLoopback(listen))
      std::cerr << "rlzero sandbox-server: WARNING: serving " << listen
                << " beyond loopback without authentication\n";
    std::cerr << "rlzero sandbox-server: listening on " << bound << " (isolation "
              << config.isolation << ", " << config.max_concurrency << " concurrent)\n";
    std::cout << Json{{"listening", bound}}.dump() << std::endl;
    int sig = 0;
    sigwait(&stop, &sig);
    std::cerr << "rlzero sandbox-server: signal " << sig << ", shutting down\n";
    server->server->Shutdown();
    return 0;
  });
}

}  // namespace rlzero::cli
