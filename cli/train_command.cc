// cli/train_command.cc: `rlzero train` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunTrain(int argc, char** argv) { return RunPlanned("train", argc, argv); }

}  // namespace rlzero::cli
