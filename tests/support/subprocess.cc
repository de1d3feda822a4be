#include "tests/support/subprocess.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace rlzero::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempPath(const char* tag) {
  char buf[] = "/tmp/rlzero_test_XXXXXX";
  int fd = mkstemp(buf);
  if (fd >= 0) close(fd);
  return std::string(buf) + tag;
}

}  // namespace

CommandResult RunCommand(const std::string& command, const std::string& stdin_text) {
  std::string in = TempPath(".in"), out = TempPath(".out"), err = TempPath(".err");
  {
    std::ofstream f(in, std::ios::binary);
    f << stdin_text;
  }
  std::string full = "(" + command + ") <" + in + " >" + out + " 2>" + err;
  int rc = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadAll(out);
  r.err = ReadAll(err);
  std::remove(in.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

std::string BinPath(const std::string& name) { return std::string(RLZERO_BIN_DIR) + "/" + name; }

}  // namespace rlzero::testing
