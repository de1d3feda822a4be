// cli/sft_command.cc: `rlzero sft --config FILE [--set key=value ...]`:
// supervised fine-tuning / pretraining on JSONL (policy/sft_trainer.h holds
// the config keys and the loop). Metrics JSON lines on stdout, progress with
// ETA on stderr, HF-layout checkpoints under run_dir.
#include <cstdio>

#include "cli/app.h"
#include "cli/commands.h"
#include "policy/sft_trainer.h"

namespace rlzero::cli {

int RunSft(int argc, char** argv) {
  CLI::App app{"supervised fine-tuning / pretraining on JSONL", "rlzero sft"};
  ConfigFlags flags;
  flags.Add(app, /*required=*/true);
  return RunApp(app, argc, argv, [&]() -> int {
    const std::string cmd = "rlzero sft";
    auto reader = flags.Load();
    if (!reader.ok()) return ReportError(cmd, reader.status());
    SftConfig config = SftConfig::FromConfig(*reader);
    if (Status s = reader->Finish(); !s.ok()) return ReportError(cmd, s);
    if (Status s = EmitResolvedConfig(reader->Resolved(), config.run_dir); !s.ok())
      return ReportError(cmd, s);
    auto summary = RunSft(config, stdout);
    if (!summary.ok()) return ReportError(cmd, summary.status());
    std::fprintf(stderr, "rlzero sft: %lld steps, loss %.4f -> %.4f, model in %s\n",
                 static_cast<long long>(summary->steps), summary->first_loss, summary->last_loss,
                 summary->final_dir.c_str());
    return 0;
  });
}

}  // namespace rlzero::cli
