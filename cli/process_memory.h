// cli/process_memory.h: this process's resident memory from /proc (Linux),
// for benchmarks that report peak RSS per phase.
// Non-goals: GPU memory (the CUDA caching allocator keeps its own counts).
// Thread safety: reads and writes /proc/self; call from one thread.
#pragma once

#include <cstdint>
#include <string>

namespace rlzero::cli {

// A kB field of /proc/self/status ("VmRSS", "VmHWM"); -1 if unreadable.
int64_t ProcSelfStatusKb(const std::string& field);

// Resets VmHWM (the peak RSS) to the current RSS by writing 5 to
// /proc/self/clear_refs (Linux >= 4.0), so the next VmHWM is the peak of what
// follows. False if the kernel refused.
bool ResetPeakRss();

}  // namespace rlzero::cli
