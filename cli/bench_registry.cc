// cli/bench_registry.cc
#include "cli/bench_registry.h"

namespace rlzero::cli {

std::map<std::string, BenchEntry>& BenchRegistry() {
  static std::map<std::string, BenchEntry> registry;
  return registry;
}

BenchRegistrar::BenchRegistrar(const char* name, const char* purpose, CommandFn fn) {
  BenchRegistry()[name] = BenchEntry{purpose, fn};
}

}  // namespace rlzero::cli
