// cli/serve_command.cc: `rlzero serve RUN_DIR --port P`: the report page,
// live, over HTTP (127.0.0.1 by default); it refreshes as steps land. Prints
// one JSON line on stdout once listening: {"url": "http://HOST:PORT/"}; runs
// until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/commands.h"
#include "inspect/report_server.h"

namespace rlzero::cli {

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int RunServe(int argc, char** argv) {
  CLI::App app{"serve a run's report live over HTTP while it trains", "rlzero serve"};
  std::string run_dir, host = "127.0.0.1";
  int port = 8080;
  inspect::ReportOptions opt;
  app.add_option("run_dir", run_dir, "run directory (metrics.jsonl, rollouts.sqlite)")->required();
  app.add_option("--port", port, "TCP port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--host", host, "address to bind (default loopback only)")->capture_default_str();
  app.add_option("--max-rollouts-per-step", opt.max_rollouts_per_step,
                 "at most N rollouts of each step in the page")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--max-steps", opt.max_steps_with_rollouts,
                 "rollouts from at most N steps, spread evenly")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--title", opt.title, "page title");
  return RunApp(app, argc, argv, [&] {
    inspect::ReportServer server(run_dir, opt);
    Status st = server.Start(host, port);
    if (!st.ok()) return ReportError("rlzero serve", st);
    std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    std::string url = "http://" + shown_host + ":" + std::to_string(server.port()) + "/";
    std::printf("%s\n", nlohmann::json({{"url", url}}).dump().c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "rlzero serve: %s on %s (Ctrl-C to stop)\n", run_dir.c_str(), url.c_str());
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    while (!g_stop) {
      struct timespec ts = {0, 100 * 1000 * 1000};
      nanosleep(&ts, nullptr);
    }
    server.Stop();
    return 0;
  });
}

}  // namespace rlzero::cli
