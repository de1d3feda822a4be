// cli/sandbox_server_command.cc: `rlzero sandbox-server` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunSandboxServer(int argc, char** argv) { return RunPlanned("sandbox-server", argc, argv); }

}  // namespace rlzero::cli
