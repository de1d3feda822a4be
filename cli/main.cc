// cli/main.cc: `rlzero`, the torch-free dispatcher. It runs the torch-free
// subcommands itself and hands the others to rlzero-torch (exec), so commands
// run per sample in scripts never pay LibTorch's ~0.5 s start-up.
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "cli/command_table.h"
#include "cli/commands.h"
#include "cli/version.h"

namespace {

const std::map<std::string, rlzero::cli::CommandFn>& LightCommands() {
  using namespace rlzero::cli;
  static const std::map<std::string, CommandFn> kMap = {
      {"tokenize", RunTokenize},
      {"verify", RunVerify},
      {"sandbox", RunSandbox},
      {"inspect", RunInspect},
      {"report", RunReport},
      {"serve", RunServe},
      {"plot", RunPlot},
      {"data", RunData},
      {"bench", RunBench},
      {"verifier-server", RunVerifierServer},
      {"sandbox-server", RunSandboxServer},
  };
  return kMap;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rlzero::cli;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::fputs(TopLevelHelp().c_str(), argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "version")) {
    std::printf("%s\n", VersionText().c_str());
    return 0;
  }
  const CommandInfo* info = FindCommand(argv[1]);
  if (info == nullptr) {
    if (argv[1][0] == '-')
      std::fprintf(stderr, "rlzero: unknown flag '%s' (see rlzero --help)\n", argv[1]);
    else
      std::fprintf(stderr, "rlzero: unknown subcommand '%s' (see rlzero --help)\n", argv[1]);
    return 2;
  }
  if (info->needs_torch) return ExecTorchBinary(argc, argv);
  auto it = LightCommands().find(argv[1]);
  if (it == LightCommands().end()) return RunPlanned(argv[1], argc - 1, argv + 1);
  std::string name = std::string("rlzero ") + argv[1];
  argv[1] = name.data();  // argv[1] becomes the subcommand's argv[0]
  return it->second(argc - 1, argv + 1);
}
