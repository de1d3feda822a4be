// cli/learner_command.cc: `rlzero learner` (not landed yet; see cli/command_table.cc for its purpose).
#include "cli/commands.h"

namespace rlzero::cli {

int RunLearner(int argc, char** argv) { return RunPlanned("learner", argc, argv); }

}  // namespace rlzero::cli
