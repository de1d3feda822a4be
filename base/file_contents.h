// base/file_contents.h: a whole file as a string, with a Status naming the
// path when it cannot be read. For small files (configs, tokens, PEM keys);
// large data is read with mmap or streamed by its own reader.
#pragma once

#include <string>

#include "base/status.h"

namespace rlzero {

StatusOr<std::string> ReadFileContents(const std::string& path);

}  // namespace rlzero
