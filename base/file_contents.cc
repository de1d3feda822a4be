// base/file_contents.cc
#include "base/file_contents.h"

#include <fstream>
#include <sstream>

namespace rlzero {

StatusOr<std::string> ReadFileContents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return DataLoss(path + ": read error");
  return ss.str();
}

}  // namespace rlzero
