// cli/version.h: `rlzero --version` text: project version and the LibTorch
// version and device support the build was configured with.
#pragma once
#include <string>

namespace rlzero::cli {
std::string VersionText();
}
