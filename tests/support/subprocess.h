// tests/support/subprocess.h: run a command line in a shell for end-to-end
// tests, capturing exit code, stdout and stderr (via temp files, so large
// outputs never deadlock). Test-only helper.
#pragma once

#include <string>

namespace rlzero::testing {

struct CommandResult {
  int exit_code = -1;  // -1 if the command was killed by a signal
  std::string out;
  std::string err;
};

// Runs `command` with /bin/sh -c; `stdin_text` is fed on standard input.
CommandResult RunCommand(const std::string& command, const std::string& stdin_text = "");

// Path of a built binary: RLZERO_BIN_DIR "/" name.
std::string BinPath(const std::string& name);

}  // namespace rlzero::testing
