// tests/policy/tokenizer/test_files.h: writing small tokenizer.json files for
// the tokenizer tests (test-only helper).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace rlzero::testing {

// Writes `text` to a fresh file in a directory of this process's own under
// gtest's temp dir (so no stray tokenizer_config.json sits beside it) and
// returns its path.
inline std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string dir = ::testing::TempDir() + "/rlzero_tok_" + std::to_string(::getpid());
  ::mkdir(dir.c_str(), 0755);
  std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

}  // namespace rlzero::testing
