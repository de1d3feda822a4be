// cli/train_job_command.cc: see header.
#include "cli/train_job_command.h"

#include "learner/distributed/distributed_context.h"

namespace rlzero::cli {

int RunTrainJobCommand(const char* command, const ConfigFlags& config_flags,
                       const TrainJobFlags& flags) {
  auto reader = config_flags.Load();
  if (!reader.ok()) return ReportError(command, reader.status());
  auto job = TrainJobConfig::FromConfig(*reader);
  if (!job.ok()) return ReportError(command, job.status());
  Status finished = reader->Finish();
  if (!finished.ok()) return ReportError(command, finished);
  // Ranks other than 0 share rank 0's run dir and must not write into it; a
  // malformed launcher variable is reported by the job itself.
  auto ctx = DistributedContextFromEnvironment();
  if (!ctx.ok() || ctx->is_rank_zero()) {
    Status emitted = EmitResolvedConfig(reader->Resolved(), flags.run_dir);
    if (!emitted.ok()) return ReportError(command, emitted);
  }
  auto code = RunTrainJob(*job, flags);
  if (!code.ok()) return ReportError(command, code.status());
  return *code;
}

}  // namespace rlzero::cli
