// cli/bench_registry.h: benchmarks register themselves by name, one file each
// (cli/bench_light_<name>.cc in rlzero, cli/bench_torch_<name>.cc in
// rlzero-torch):
//
//   rlzero::cli::BenchRegistrar kVerifyBench("verify", "math verifications/s ...", RunBenchVerify);
//
// Give the registrar and the file's helpers names of their own: the unity
// build (RLZERO_UNITY_BUILD) compiles several bench files in one translation
// unit, anonymous namespaces included.
//
// The function receives argv[0] = "rlzero bench <name>" and prints one JSON
// object on stdout, with its baseline measured in the same run.
#pragma once

#include <map>
#include <string>

#include "cli/command_table.h"

namespace rlzero::cli {

struct BenchEntry {
  std::string purpose;
  CommandFn fn;
};

// Benchmarks linked into this binary.
std::map<std::string, BenchEntry>& BenchRegistry();

struct BenchRegistrar {
  BenchRegistrar(const char* name, const char* purpose, CommandFn fn);
};

}  // namespace rlzero::cli
