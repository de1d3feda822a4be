// cli/process_memory.cc: see process_memory.h.
#include "cli/process_memory.h"

#include <cstdlib>
#include <fstream>

namespace rlzero::cli {

int64_t ProcSelfStatusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  }
  return -1;
}

bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace rlzero::cli
