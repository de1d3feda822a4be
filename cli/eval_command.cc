// cli/eval_command.cc: `rlzero eval` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunEval(int argc, char** argv) { return RunPlanned("eval", argc, argv); }

}  // namespace rlzero::cli
