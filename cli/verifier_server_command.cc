// cli/verifier_server_command.cc: `rlzero verifier-server` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunVerifierServer(int argc, char** argv) { return RunPlanned("verifier-server", argc, argv); }

}  // namespace rlzero::cli
