// base/file_contents.h: a whole file as a string, read or written, with a
// Status naming the path when that fails. For small files (configs, tokens, PEM keys);
// large data is read with mmap or streamed by its own reader.
#pragma once

#include <string>

#include "base/status.h"

namespace rlzero {

StatusOr<std::string> ReadFileContents(const std::string& path);

// Replaces the file at `path` with `data` (created if absent). UNAVAILABLE
// naming the path if it cannot be opened, written or flushed.
Status WriteFileContents(const std::string& path, const std::string& data);

}  // namespace rlzero
