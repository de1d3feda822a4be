// cli/sandbox_command.cc: `rlzero sandbox` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunSandbox(int argc, char** argv) { return RunPlanned("sandbox", argc, argv); }

}  // namespace rlzero::cli
