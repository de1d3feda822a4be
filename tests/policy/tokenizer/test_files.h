// tests/policy/tokenizer/test_files.h: writing small tokenizer.json files for
// the tokenizer tests (test-only helper).
#pragma once

#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace rlzero::testing {

// Writes `text` to a fresh file under gtest's temp dir and returns its path.
inline std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

}  // namespace rlzero::testing
