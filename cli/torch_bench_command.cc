// cli/torch_bench_command.cc: `rlzero bench rollout|learner|sync` inside
// rlzero-torch; benchmarks register through cli/bench_registry.h.
#include <cstdio>
#include <string>

#include "cli/bench_registry.h"
#include "cli/commands.h"

namespace rlzero::cli {

int RunTorchBench(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "rlzero bench: which benchmark? (rlzero bench --help)\n");
    return 2;
  }
  std::string what = argv[1];
  auto it = BenchRegistry().find(what);
  if (it == BenchRegistry().end()) {
    std::fprintf(stderr, "rlzero bench %s: not implemented in this build yet\n", what.c_str());
    return 1;
  }
  std::string name = "rlzero bench " + what;
  argv[1] = name.data();
  return it->second.fn(argc - 1, argv + 1);
}

}  // namespace rlzero::cli
