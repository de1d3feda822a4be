// cli/planned_command.cc: placeholder for subcommands whose implementation has
// not landed; says so plainly instead of pretending.
#include <cstdio>
#include <cstring>

#include "cli/command_table.h"
#include "cli/commands.h"

namespace rlzero::cli {

int RunPlanned(const char* name, int argc, char** argv) {
  const CommandInfo* info = FindCommand(name);
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::printf("rlzero %s: %s\n\nNot implemented in this build yet.\n", name,
                  info ? info->purpose : "");
      return 0;
    }
  }
  std::fprintf(stderr, "rlzero %s: not implemented in this build yet\n", name);
  return 1;
}

}  // namespace rlzero::cli
