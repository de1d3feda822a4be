// cli/learner_command.cc: `rlzero learner --config FILE --run-dir DIR
// --listen ADDR (--auth-token-file F | --no-auth) [--min-workers N]
// [--wait-workers-s S] [--max-steps N] [--resume] [--set key=value ...]`:
// the same training job as `rlzero train`, sampling on rollout workers that
// join it by address (`rlzero rollout-worker --model DIR --learner ADDR
// --listen ADDR`). It serves rlzero.v1.LearnerService on --listen, prints
// {"role": "learner", "address": ...} on stdout once bound, and starts
// training when --min-workers have registered. main only parses flags.
#include <string>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/server_flags.h"
#include "cli/train_job_command.h"

namespace rlzero::cli {

int RunLearner(int argc, char** argv) {
  CLI::App app{"run the learner (single controller): train on rollout workers that join by address",
               "rlzero learner"};
  ConfigFlags config_flags;
  config_flags.Add(app, /*required=*/true);
  TrainJobFlags flags;
  flags.listen_for_workers = true;
  flags.server.listen = "127.0.0.1:50051";
  flags.server.role = "learner";
  app.add_option("--run-dir", flags.run_dir,
                 "run directory: resolved config, metrics.jsonl, rollouts.sqlite, checkpoints/")
      ->required();
  app.add_option("--max-steps", flags.max_steps, "override trainer.max_steps");
  app.add_flag("--resume", flags.resume, "continue from the last checkpoint in --run-dir");
  app.add_option("--min-workers", flags.min_workers,
                 "rollout workers that must register before training starts")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  double wait_s = 600;
  app.add_option("--wait-workers-s", wait_s, "give up if they have not registered by then")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  AddServerFlags(app, &flags.server);
  AddClientTlsFlags(app, &flags.client);
  return RunApp(app, argc, argv, [&]() -> int {
    flags.wait_workers_ms = static_cast<int64_t>(wait_s * 1000);
    // Fail before loading the model when the token is missing or unreadable.
    auto auth = rpc::LoadServerAuth(flags.server);
    if (!auth.ok()) return ReportError("learner", auth.status());
    if (Status s = flags.client.Validate(); !s.ok()) return ReportError("learner", s);
    return RunTrainJobCommand("learner", config_flags, flags);
  });
}

}  // namespace rlzero::cli
