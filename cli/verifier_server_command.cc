// cli/verifier_server_command.cc: `rlzero verifier-server --listen ADDR`
// serves rlzero.v1.VerifierService: every built-in verifier that builds with
// default options (countdown, format, math when linked, ...), plus the
// scorers listed in the config's `verifiers: [{name, verifier|exec|grpc,
// options, timeout_ms}]` (e.g. a length verifier with its max_length, or a
// plugin re-exported under a name). Prints {"listening": ADDR, "verifiers":
// [...]} on stdout once ready; stops on SIGINT/SIGTERM.
//
// Server flags as every role (cli/server_flags.h): loopback by default, a
// bearer token on every RPC (--auth-token-file; --no-auth only for tests),
// TLS optional. Requests are bounded: --max-message-bytes per message, 4 MiB
// per sample, 4096 samples per batch; malformed requests get INVALID_ARGUMENT.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/server_flags.h"
#include "rewards/code_sandbox.h"
#include "rewards/verifier_service.h"
#include "rewards/verifier_spec.h"
#include "rpc/server_runner.h"
#include "verifiers/verifier.h"

namespace rlzero::cli {
namespace {

// SIGINT/SIGTERM write their number to a self-pipe; the main thread waits on
// it (write(2) is async-signal-safe, whichever thread takes the signal).
int g_stop_pipe[2] = {-1, -1};

void OnStopSignal(int sig) {
  unsigned char b = static_cast<unsigned char>(sig);
  ssize_t ignored = write(g_stop_pipe[1], &b, 1);
  (void)ignored;
}

bool InstallStopHandlers() {
  if (pipe2(g_stop_pipe, O_CLOEXEC) != 0) return false;
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGINT, &sa, nullptr) == 0 && sigaction(SIGTERM, &sa, nullptr) == 0;
}

int WaitForStopSignal() {
  unsigned char b = 0;
  while (read(g_stop_pipe[0], &b, 1) < 0 && errno == EINTR) {
  }
  return b;
}

}  // namespace

int RunVerifierServer(int argc, char** argv) {
  CLI::App app{"serve the registered verifiers over gRPC (rlzero.v1.VerifierService)",
               "rlzero verifier-server"};
  rpc::ServerOptions server;
  server.role = "verifier-server";
  server.listen = "127.0.0.1:50061";
  ConfigFlags config;
  AddServerFlags(app, &server);
  config.Add(app, /*required=*/false);
  return RunApp(app, argc, argv, [&]() -> int {
    const char* cmd = "rlzero verifier-server";
    auto auth = rpc::LoadServerAuth(server);
    if (!auth.ok()) return ReportError(cmd, auth.status());
    // Handlers (not a blocked mask) so the sandbox's threads and the programs
    // it starts keep default signal masks; installed before any thread starts.
    if (!InstallStopHandlers()) return ReportError(cmd, Internal("cannot install signal handlers"));
    auto reader = config.Load();
    if (!reader.ok()) return ReportError(cmd, reader.status());
    rewards::CodeSandbox code_sandbox(*reader);  // the `sandbox:` section
    Status sb = code_sandbox.CreateIfNeeded(rewards::CodeSandbox::Linked());
    if (!sb.ok())  // serve the rest; say why `code` is missing
      std::fprintf(stderr, "%s: not serving 'code': %s\n", cmd, sb.message().c_str());
    verifiers::VerifierEnv env;
    env.sandbox = code_sandbox.get();  // null without the sandbox library: no `code`
    rewards::VerifierHost host;
    for (const verifiers::VerifierInfo& info : verifiers::BuiltinVerifiers()) {
      auto v = verifiers::MakeVerifier(info.name, Json(nullptr), env);
      if (v.ok()) host.Add(info.name, std::shared_ptr<verifiers::Verifier>(std::move(v).value()));
    }
    Json list = reader->GetJson("verifiers");
    if (!list.is_null() && !list.is_array())
      return ReportError(cmd, InvalidArgument("verifiers: expected a list"));
    std::vector<rewards::VerifierSpec> specs;
    for (size_t i = 0; list.is_array() && i < list.size(); ++i) {
      ConfigReader item = reader->ReaderFor(list[i], "verifiers[" + std::to_string(i) + "]");
      specs.push_back(rewards::VerifierSpec::FromConfig(item));
    }
    Status finish = reader->Finish();
    if (!finish.ok()) return ReportError(cmd, finish);
    for (size_t i = 0; i < specs.size(); ++i) {
      auto v = rewards::BuildVerifier(specs[i], env, "verifiers[" + std::to_string(i) + "]");
      if (!v.ok()) return ReportError(cmd, v.status());
      host.Add(specs[i].name, *v);
    }

    rewards::VerifierServiceImpl service(&host, *auth);
    rpc::ServerRunner runner;
    auto bound = runner.Start(server, {&service});
    if (!bound.ok()) return ReportError(cmd, bound.status());
    Json ready = {{"listening", *bound}, {"verifiers", host.Names()}};
    std::printf("%s\n", ready.dump().c_str());
    std::fflush(stdout);
    int sig = WaitForStopSignal();
    std::fprintf(stderr, "rlzero verifier-server: signal %d, shutting down\n", sig);
    runner.Shutdown();
    return 0;
  });
}

}  // namespace rlzero::cli
