// cli/bench_command.cc: `rlzero bench <what>`. Torch-free benchmarks run in
// this binary; rollout, learner and sync run in rlzero-torch. Every benchmark
// prints one JSON object on stdout and measures its baseline in the same run.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/bench_registry.h"
#include "cli/commands.h"

namespace rlzero::cli {
namespace {

const char* kTorchBenches[] = {"rollout", "learner", "sync", "logprobs", "model-load"};

int BenchHelp(FILE* out) {
  std::fputs("usage: rlzero bench <what> [flags]   (rlzero bench <what> --help)\n\n", out);
  for (const auto& [name, entry] : BenchRegistry())
    std::fprintf(out, "  %-10s %s\n", name.c_str(), entry.purpose.c_str());
  std::fputs(
      "  rollout    prefill/decode tokens/s against a recompute loop (LibTorch)\n"
      "  learner    training tokens/s: forward, backward, optimiser (LibTorch)\n"
      "  sync       weight-sync GB/s over loopback (LibTorch)\n"
      "  logprobs   TokenLogProbs tokens/s, chunked vs full logits (LibTorch)\n"
      "  model-load checkpoint load GB/s and peak RSS / checkpoint size (LibTorch)\n",
      out);
  return out == stdout ? 0 : 2;
}

}  // namespace

int RunBench(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))
    return BenchHelp(argc < 2 ? stderr : stdout);
  std::string what = argv[1];
  for (const char* t : kTorchBenches) {
    if (what == t) {
      // rlzero-torch expects: bench <what> ...; argv[-1] is the binary path.
      std::string bench = "bench";
      argv[0] = bench.data();
      return ExecTorchBinary(argc + 1, argv - 1);
    }
  }
  auto it = BenchRegistry().find(what);
  if (it == BenchRegistry().end()) {
    std::fprintf(stderr, "rlzero bench: unknown benchmark '%s' (see rlzero bench --help)\n",
                 what.c_str());
    return 2;
  }
  std::string name = "rlzero bench " + what;
  argv[1] = name.data();
  return it->second.fn(argc - 1, argv + 1);
}

}  // namespace rlzero::cli
