// cli/train_job_command.h: what `rlzero train` and `rlzero learner` share once
// their flags are parsed: read and check the config, print and save the
// resolved config (rank 0 only when launched as data-parallel ranks), run the
// training job (learner/trainer/train_job.h), map errors to an exit code.
#pragma once

#include "cli/app.h"
#include "learner/trainer/train_job.h"

namespace rlzero::cli {

// Returns the process exit code; `command` names the subcommand in errors.
int RunTrainJobCommand(const char* command, const ConfigFlags& config_flags,
                       const TrainJobFlags& flags);

}  // namespace rlzero::cli
