// cli/verifier_server_command.cc: `rlzero verifier-server --listen ADDR`
// serves rlzero.v1.VerifierService: every built-in verifier that builds with
// default options (countdown, format, math when linked, ...), plus the
// scorers listed in the config's `verifiers: [{name, verifier|exec|grpc,
// options, timeout_ms}]` (e.g. a length verifier with its max_length, or a
// plugin re-exported under a name). Prints {"listening": ADDR, "verifiers":
// [...]} on stdout once ready; stops on SIGINT/SIGTERM.
//
// Binds loopback by default; a non-loopback address needs --insecure-remote
// (no authentication yet: that comes with the services issue). Requests are
// bounded: --max-message-mb per message, 4 MiB per sample, 4096 samples per
// batch; malformed requests get INVALID_ARGUMENT.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>

#include "cli/app.h"
#include "cli/commands.h"
#include "rewards/code_sandbox.h"
#include "rewards/verifier_service.h"
#include "rewards/verifier_spec.h"
#include "verifiers/verifier.h"

namespace rlzero::cli {
namespace {

bool IsLoopback(const std::string& addr) {
  if (addr.rfind("unix:", 0) == 0) return true;
  std::string host = addr.substr(0, addr.rfind(':'));
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]" ||
         host == "ipv4:127.0.0.1" || host == "ipv6:[::1]";
}

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
  std::string listen = "127.0.0.1:50061";
  bool insecure_remote = false;
  int max_message_mb = 64;
  ConfigFlags config;
  app.add_option("--listen", listen, "address to bind (default 127.0.0.1:50061; port 0 = any)");
  app.add_flag("--insecure-remote", insecure_remote,
               "allow a non-loopback address (no authentication yet)");
  app.add_option("--max-message-mb", max_message_mb, "largest request message (MiB)")
      ->check(CLI::Range(1, 1024));
  config.Add(app, /*required=*/false);
  return RunApp(app, argc, argv, [&]() -> int {
    const char* cmd = "rlzero verifier-server";
    if (!IsLoopback(listen) && !insecure_remote)
      return ReportError(cmd, InvalidArgument("--listen " + listen +
                                              " is not loopback; add --insecure-remote to "
                                              "serve it without authentication"));
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

    rewards::VerifierServiceImpl service(&host);
    int port = 0;
    auto server = rewards::StartVerifierServer(listen, &service, max_message_mb << 20, &port);
    if (!server.ok()) return ReportError(cmd, server.status());
    std::string bound = listen.rfind("unix:", 0) == 0
                            ? listen
                            : listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
    Json ready = {{"listening", bound}, {"verifiers", host.Names()}};
    std::printf("%s\n", ready.dump().c_str());
    std::fflush(stdout);
    int sig = WaitForStopSignal();
    std::fprintf(stderr, "rlzero verifier-server: signal %d, shutting down\n", sig);
    (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    return 0;
  });
}

}  // namespace rlzero::cli
