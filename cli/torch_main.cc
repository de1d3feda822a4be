// cli/torch_main.cc: `rlzero-torch`, the binary that links LibTorch. Users do
// not call it directly: `rlzero <sub>` execs it for the subcommands that need
// LibTorch (see cli/command_table.cc).
#include <cstdio>
#include <map>
#include <string>

#include "cli/command_table.h"
#include "cli/commands.h"
#include "policy/torch_runtime.h"

int main(int argc, char** argv) {
  using namespace rlzero::cli;
  static const std::map<std::string, CommandFn> kMap = {
      {"train", RunTrain},       {"sft", RunSft},
      {"generate", RunGenerate}, {"score", RunScore},
      {"init", RunInit},         {"eval", RunEval},
      {"learner", RunLearner},   {"rollout-worker", RunRolloutWorker},
      {"bench", RunTorchBench},
  };
  if (argc < 2) {
    std::fputs(TopLevelHelp().c_str(), stderr);
    return 2;
  }
  auto it = kMap.find(argv[1]);
  if (it == kMap.end()) {
    std::fprintf(stderr, "rlzero: '%s' does not run in rlzero-torch (see rlzero --help)\n",
                 argv[1]);
    return 2;
  }
  rlzero::ConfigureTorchThreads();
  std::string name = std::string("rlzero ") + argv[1];
  argv[1] = name.data();
  return it->second(argc - 1, argv + 1);
}
