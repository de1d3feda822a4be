// cli/app.h: the shared shape of a subcommand built on CLI11.
//
//   int RunVerify(int argc, char** argv) {
//     CLI::App app{"score responses with a verifier", "rlzero verify"};
//     std::string task; app.add_option("--task", task, "...")->required();
//     return RunApp(app, argc, argv, [&] { ...; return 0; });
//   }
//
// RunApp parses; `--help` prints help and returns 0; an unknown flag or bad
// value prints "rlzero verify: <what>" on stderr and returns 2. The body's
// return value is the exit code; a Status error from a body should be printed
// with ReportError and return 1.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero::cli {

int RunApp(CLI::App& app, int argc, char** argv, const std::function<int()>& body);

// Prints "rlzero <sub>: <status message>" to stderr and returns 1.
int ReportError(const std::string& command, const Status& status);

// --config FILE and repeated --set key=value, shared by subcommands that take
// a config.
struct ConfigFlags {
  std::string config_path;
  std::vector<std::string> sets;
  void Add(CLI::App& app, bool required);
  // Loads the file (or an empty tree), applies --set in order, and returns a
  // reader whose Finish() reports unknown keys naming the file or --set.
  StatusOr<ConfigReader> Load() const;
};

// Prints the resolved config to stderr and, if run_dir is not empty, writes it
// to RUN_DIR/config.resolved.json (creating the dir).
Status EmitResolvedConfig(const Json& resolved, const std::string& run_dir);

}  // namespace rlzero::cli
