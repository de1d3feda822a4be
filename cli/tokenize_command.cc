// cli/tokenize_command.cc: `rlzero tokenize` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunTokenize(int argc, char** argv) { return RunPlanned("tokenize", argc, argv); }

}  // namespace rlzero::cli
