// cli/data_command.cc: `rlzero data` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunData(int argc, char** argv) { return RunPlanned("data", argc, argv); }

}  // namespace rlzero::cli
