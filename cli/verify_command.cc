// cli/verify_command.cc: `rlzero verify` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunVerify(int argc, char** argv) { return RunPlanned("verify", argc, argv); }

}  // namespace rlzero::cli
