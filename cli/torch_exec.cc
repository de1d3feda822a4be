// cli/torch_exec.cc: hand a subcommand over to rlzero-torch.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace rlzero::cli {

int ExecTorchBinary(int argc, char** argv) {
  std::string path;
  if (const char* env = std::getenv("RLZERO_TORCH_BIN"); env && *env) {
    path = env;
  } else {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) {
      std::fprintf(stderr, "rlzero: cannot locate own binary: %s\n", std::strerror(errno));
      return 1;
    }
    buf[n] = '\0';
    path = buf;
    path = path.substr(0, path.rfind('/') + 1) + "rlzero-torch";
  }
  std::vector<char*> args;
  args.push_back(path.data());
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(path.c_str(), args.data());
  std::fprintf(stderr,
               "rlzero: '%s' needs LibTorch, but %s cannot be run: %s "
               "(was rlzero built with RLZERO_WITH_TORCH=ON?)\n",
               argc > 1 ? argv[1] : "", path.c_str(), std::strerror(errno));
  return 1;
}

}  // namespace rlzero::cli
