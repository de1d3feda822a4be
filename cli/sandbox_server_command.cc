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
#include "cli/server_flags.h"
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
  rpc::ServerOptions server;
  server.role = "sandbox-server";
  server.listen = "127.0.0.1:50061";
  ConfigFlags cfg;
  AddServerFlags(app, &server);
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
    BlockShutdownSignals();  // before any thread starts
    auto box = sandbox::CreateSandbox(config);
    if (!box.ok()) return ReportError("rlzero sandbox-server", box.status());
    int64_t max_msg = config.max_source_bytes + config.max_stdin_bytes + (1 << 20);
    server.max_message_bytes = std::min<int64_t>(max_msg, 1 << 30);
    auto s = sandbox::StartSandboxServer(server, box->get());
    if (!s.ok()) return ReportError("rlzero sandbox-server", s.status());
    if (!IsLoopback(server.listen))
      std::cerr << "rlzero sandbox-server: serving " << server.listen << " beyond loopback\n";
    std::cerr << "rlzero sandbox-server: isolation " << config.isolation << ", "
              << config.max_concurrency << " concurrent\n";
    std::cout << Json{{"listening", s->address}}.dump() << std::endl;
    s->runner->WaitForSignal();
    std::cerr << "rlzero sandbox-server: shutting down\n";
    return 0;
  });
}

}  // namespace rlzero::cli
