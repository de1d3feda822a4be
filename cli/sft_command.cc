// cli/sft_command.cc: `rlzero sft` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunSft(int argc, char** argv) { return RunPlanned("sft", argc, argv); }

}  // namespace rlzero::cli
