// cli/sandbox_command.cc: `rlzero sandbox run --lang python FILE [--stdin FILE]
// [--time-limit-ms N] [--memory-limit-mb N] [--output-limit-kb N]`: runs one
// program in the sandbox and prints one JSON object:
//   {"status","exit_code","signal","stdout","stderr","wall_ms","cpu_ms","max_rss_kb"}
// (plus "error" for sandbox_error, and "isolation":"rlimits_only" when that
// mode was chosen). Exit 0 whenever the sandbox worked, whatever the program
// did; 1 for sandbox_error or a refused host; 2 for bad arguments.
// Sandbox settings come from --config FILE (section `sandbox:`) and --set.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/app.h"
#include "cli/commands.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_config.h"

namespace rlzero::cli {

namespace {

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int RunSandbox(int argc, char** argv) {
  CLI::App app{"run an untrusted program in the isolated sandbox", "rlzero sandbox"};
  app.require_subcommand(1);
  CLI::App* run = app.add_subcommand("run", "run one program and print its result as JSON");
  sandbox::RunRequest req;
  std::string file, stdin_file;
  ConfigFlags cfg;
  run->add_option("--lang", req.language, "language from the sandbox config (python, cpp)")
      ->required();
  run->add_option("FILE", file, "the program's source file")->required();
  run->add_option("--stdin", stdin_file, "file fed to the program's standard input");
  run->add_option("--time-limit-ms", req.time_limit_ms,
                  "wall-clock limit (CPU: same, whole seconds)");
  run->add_option("--memory-limit-mb", req.memory_limit_mb, "address-space limit");
  run->add_option("--output-limit-kb", req.output_limit_kb, "cap per output stream");
  cfg.Add(*run, false);
  return RunApp(app, argc, argv, [&]() -> int {
    auto reader = cfg.Load();
    if (!reader.ok()) return ReportError("rlzero sandbox", reader.status());
    ConfigReader section = reader->Section("sandbox");
    sandbox::SandboxConfig config = sandbox::SandboxConfig::FromConfig(section);
    config.prefork = 0;  // one run: spawn on demand
    config.max_concurrency = 1;
    Status st = reader->Finish();
    if (!st.ok()) {
      ReportError("rlzero sandbox", st);
      return 2;
    }
    auto source = ReadWholeFile(file);
    if (!source.ok()) {
      ReportError("rlzero sandbox", source.status());
      return 2;
    }
    req.source = std::move(source).value();
    if (!stdin_file.empty()) {
      auto in = ReadWholeFile(stdin_file);
      if (!in.ok()) {
        ReportError("rlzero sandbox", in.status());
        return 2;
      }
      req.stdin_data = std::move(in).value();
    }
    auto box = sandbox::CreateSandbox(config);
    if (!box.ok()) return ReportError("rlzero sandbox", box.status());
    auto result = (*box)->Run(req);
    if (!result.ok()) {
      ReportError("rlzero sandbox", result.status());
      return 2;
    }
    const sandbox::RunResult& r = *result;
    Json j = Json::object();
    j["status"] = sandbox::RunStatusName(r.status);
    j["exit_code"] = r.exit_code;
    j["signal"] = r.signal;
    // Program output is arbitrary bytes: invalid UTF-8 is replaced, not fatal.
    j["stdout"] = r.stdout_data;
    j["stderr"] = r.stderr_data;
    j["wall_ms"] = r.wall_ms;
    j["cpu_ms"] = r.cpu_ms;
    j["max_rss_kb"] = r.max_rss_kb;
    if (r.status == sandbox::RunStatus::kSandboxError) j["error"] = r.error;
    if (!r.isolated) j["isolation"] = "rlimits_only";
    std::cout << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    return r.status == sandbox::RunStatus::kSandboxError ? 1 : 0;
  });
}

}  // namespace rlzero::cli
