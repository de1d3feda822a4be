// cli/commands.h: entry points of the subcommands, one file each
// (cli/<name>_command.cc). Signature: see CommandFn in cli/command_table.h.
#pragma once

namespace rlzero::cli {

// Torch-free (linked into `rlzero`).
int RunTokenize(int argc, char** argv);
int RunVerify(int argc, char** argv);
int RunSandbox(int argc, char** argv);
int RunInspect(int argc, char** argv);
int RunReport(int argc, char** argv);
int RunPlot(int argc, char** argv);
int RunServe(int argc, char** argv);
int RunData(int argc, char** argv);
int RunBench(int argc, char** argv);  // execs rlzero-torch for torch benchmarks
int RunVerifierServer(int argc, char** argv);
int RunSandboxServer(int argc, char** argv);

// Torch (linked into `rlzero-torch`).
int RunTrain(int argc, char** argv);
int RunSft(int argc, char** argv);
int RunGenerate(int argc, char** argv);
int RunScore(int argc, char** argv);
int RunInit(int argc, char** argv);
int RunEval(int argc, char** argv);
int RunLearner(int argc, char** argv);
int RunRolloutWorker(int argc, char** argv);
int RunTorchBench(int argc, char** argv);  // bench rollout|learner|sync

// A subcommand whose implementation has not landed yet: `--help` prints its
// purpose; anything else says so on stderr and returns 1.
int RunPlanned(const char* name, int argc, char** argv);

// Replaces the current process with rlzero-torch (found beside this binary, or
// at $RLZERO_TORCH_BIN) running `rlzero-torch <argv...>`. Returns only on
// failure, after printing why; the return value is then the exit code.
int ExecTorchBinary(int argc, char** argv);

}  // namespace rlzero::cli
