// cli/serve_command.cc: `rlzero serve` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunServe(int argc, char** argv) { return RunPlanned("serve", argc, argv); }

}  // namespace rlzero::cli
