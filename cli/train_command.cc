// cli/train_command.cc: `rlzero train --config FILE --run-dir DIR
// [--max-steps N] [--resume] [--rollout-workers N] [--set key=value ...]`:
// parses flags and hands over to the training job (cli/train_job_command.h).
// Launched as N processes with RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT (or
// Slurm's variables) it trains data-parallel (docs/distributed.md).
#include <string>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/train_job_command.h"

namespace rlzero::cli {

int RunTrain(int argc, char** argv) {
  CLI::App app{"GRPO training (R1-Zero style) of a policy on a task with verifiable rewards",
               "rlzero train"};
  ConfigFlags config_flags;
  config_flags.Add(app, /*required=*/true);
  TrainJobFlags flags;
  app.add_option("--run-dir", flags.run_dir,
                 "run directory: resolved config, metrics.jsonl, rollouts.sqlite, checkpoints/")
      ->required();
  app.add_option("--max-steps", flags.max_steps, "override trainer.max_steps");
  app.add_flag("--resume", flags.resume, "continue from the last checkpoint in --run-dir");
  app.add_option("--rollout-workers", flags.rollout_workers,
                 "sample on N rollout-worker processes over gRPC (0: in-process engine)")
      ->check(CLI::Range(0, 64));
  return RunApp(app, argc, argv,
                [&]() -> int { return RunTrainJobCommand("train", config_flags, flags); });
}

}  // namespace rlzero::cli
