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

Status WriteFileContents(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(data.data(), static_cast<std::streamsize>(data.size())) || !out.flush()) {
    return Unavailable(path + ": cannot write");
  }
  return Status::Ok();
}

}  // namespace rlzero
