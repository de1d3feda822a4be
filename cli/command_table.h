// cli/command_table.h: the list of `rlzero` subcommands, their one-line
// purposes, and which binary runs them.
//
// `rlzero` itself is torch-free so per-sample commands (verify, sandbox,
// tokenize, inspect, report, the verifier and sandbox servers) start in
// milliseconds. Subcommands that need LibTorch run in the sibling binary
// `rlzero-torch` (same directory), which `rlzero` execs transparently; users
// only ever type `rlzero`.
#pragma once

#include <string>
#include <vector>

namespace rlzero::cli {

// A subcommand's entry point: argv[0] is "rlzero <name>", argv[1..] its flags.
// Returns the process exit code (0 ok, 1 failure, 2 usage error).
using CommandFn = int (*)(int argc, char** argv);

struct CommandInfo {
  const char* name;
  const char* purpose;
  bool needs_torch;  // runs in rlzero-torch
};

// Every subcommand, in the order `rlzero --help` lists them.
const std::vector<CommandInfo>& AllCommands();
const CommandInfo* FindCommand(const std::string& name);
// The text of `rlzero --help`.
std::string TopLevelHelp();

}  // namespace rlzero::cli
