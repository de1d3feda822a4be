// cli/rollout_engine_flags.h: the rollout engine's decode-path flags, shared
// by every command that runs the engine (generate, eval, rollout-worker,
// bench rollout): --cuda-graphs and --device-sampling, each auto | on | off,
// mapped onto RolloutEngineOptions (rollout/rollout_engine.h).
#pragma once

#include <CLI/CLI.hpp>

#include "rollout/rollout_engine.h"

namespace rlzero::cli {

void AddRolloutEngineFlags(CLI::App& app, RolloutEngineOptions* options);

}  // namespace rlzero::cli
