// tests/cli/bench_json.h: runs `rlzero bench NAME FLAGS` as a real process
// on one intra-op thread and parses its JSON stdout; failures are gtest
// failures. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/subprocess.h"

namespace rlzero::testing {

inline nlohmann::json RunBenchJson(const std::string& bench_and_flags) {
  auto r = RunCommand("RLZERO_THREADS=1 " + BinPath("rlzero") + " bench " + bench_and_flags);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

}  // namespace rlzero::testing
