// cli/train_command.cc: `rlzero train --config FILE --run-dir DIR
// [--max-steps N] [--resume] [--set key=value ...]`: parses flags, reads and
// checks the config, prints and saves the resolved config, then hands over to
// the trainer job (learner/trainer/train_job.h).
#include <string>

#include "cli/app.h"
#include "cli/commands.h"
#include "learner/trainer/train_job.h"

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
  return RunApp(app, argc, argv, [&]() -> int {
    auto reader = config_flags.Load();
    if (!reader.ok()) return ReportError("train", reader.status());
    auto job = TrainJobConfig::FromConfig(*reader);
    if (!job.ok()) return ReportError("train", job.status());
    Status finished = reader->Finish();
    if (!finished.ok()) return ReportError("train", finished);
    Status emitted = EmitResolvedConfig(reader->Resolved(), flags.run_dir);
    if (!emitted.ok()) return ReportError("train", emitted);
    auto code = RunTrainJob(*job, flags);
    if (!code.ok()) return ReportError("train", code.status());
    return *code;
  });
}

}  // namespace rlzero::cli
