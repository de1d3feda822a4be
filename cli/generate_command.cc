// cli/generate_command.cc: `rlzero generate` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunGenerate(int argc, char** argv) { return RunPlanned("generate", argc, argv); }

}  // namespace rlzero::cli
