// cli/score_command.cc: `rlzero score` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunScore(int argc, char** argv) { return RunPlanned("score", argc, argv); }

}  // namespace rlzero::cli
