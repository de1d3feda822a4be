// cli/report_command.cc: `rlzero report` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunReport(int argc, char** argv) { return RunPlanned("report", argc, argv); }

}  // namespace rlzero::cli
