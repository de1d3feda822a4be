// policy/torch_runtime.cc
#include "policy/torch_runtime.h"

#include <sched.h>

#include <cstdlib>

#include "policy/torch_compat.h"

namespace rlzero {

void ConfigureTorchThreads() {
  int threads = 0;
  if (const char* env = std::getenv("RLZERO_THREADS"); env && *env) threads = std::atoi(env);
  if (threads <= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    threads = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
  }
  if (threads < 1) threads = 1;
  at::set_num_threads(threads);
  static bool interop_set = false;
  if (!interop_set) {
    interop_set = true;
    try {
      at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // Already started: harmless.
    }
  }
}

}  // namespace rlzero
