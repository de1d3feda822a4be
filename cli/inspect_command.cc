// cli/inspect_command.cc: `rlzero inspect` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunInspect(int argc, char** argv) { return RunPlanned("inspect", argc, argv); }

}  // namespace rlzero::cli
