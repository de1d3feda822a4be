// tests/cli/process_memory_test.cc: /proc/self readings used by the
// benchmarks' peak-RSS columns: fields parse, unknown ones give -1, and a
// peak reset lets a later, smaller phase report its own peak.
#include "cli/process_memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace rlzero::cli {
namespace {

TEST(ProcessMemoryTest, ReadsFieldsAndUnknownIsMinusOne) {
  EXPECT_GT(ProcSelfStatusKb("VmRSS"), 0);
  EXPECT_GE(ProcSelfStatusKb("VmHWM"), ProcSelfStatusKb("VmRSS"));
  EXPECT_EQ(ProcSelfStatusKb("NoSuchField"), -1);
}

TEST(ProcessMemoryTest, ResetPeakRssForgetsAnEarlierPeak) {
  {
    std::vector<char> big(256 << 20);
    std::memset(big.data(), 1, big.size());  // touch: resident
    EXPECT_GE(ProcSelfStatusKb("VmHWM"), 256 << 10);
  }
  if (!ResetPeakRss()) GTEST_SKIP() << "kernel refused /proc/self/clear_refs";
  EXPECT_LT(ProcSelfStatusKb("VmHWM"), ProcSelfStatusKb("VmRSS") + (128 << 10));
}

}  // namespace
}  // namespace rlzero::cli
