// cli/init_command.cc: `rlzero init` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunInit(int argc, char** argv) { return RunPlanned("init", argc, argv); }

}  // namespace rlzero::cli
