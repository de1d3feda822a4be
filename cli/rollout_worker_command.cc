// cli/rollout_worker_command.cc: `rlzero rollout-worker` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunRolloutWorker(int argc, char** argv) { return RunPlanned("rollout-worker", argc, argv); }

}  // namespace rlzero::cli
