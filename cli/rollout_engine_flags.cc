// cli/rollout_engine_flags.cc: see rollout_engine_flags.h.
#include "cli/rollout_engine_flags.h"

namespace rlzero::cli {

void AddRolloutEngineFlags(CLI::App& app, RolloutEngineOptions* options) {
  app.add_option("--cuda-graphs", options->cuda_graphs,
                 "decode steps as CUDA graphs: auto (CUDA models) | on (also CPU, eagerly) | off")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "on", "off"}));
  app.add_option("--device-sampling", options->device_sampling,
                 "sample decode steps where the logits are: auto (CUDA models) | on | off")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "on", "off"}));
}

}  // namespace rlzero::cli
