// cli/version.cc: values come from CMake (torch-free: no LibTorch call).
#include "cli/version.h"

namespace rlzero::cli {

std::string VersionText() {
  return std::string("rlzero ") + RLZERO_VERSION + "\nLibTorch " + RLZERO_TORCH_VERSION +
         " (devices: cpu" + (RLZERO_TORCH_CUDA ? ", cuda" : "") + ")";
}

}  // namespace rlzero::cli
