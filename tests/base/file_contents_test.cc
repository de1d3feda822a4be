// tests/base/file_contents_test.cc: whole-file read and write round-trip
// bytes exactly (NUL and all), replace an existing file, and name the path
// when they fail.
#include "base/file_contents.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace rlzero {
namespace {
namespace fs = std::filesystem;

TEST(FileContentsTest, WriteThenReadRoundTripsAndReplaces) {
  const fs::path dir =
      fs::temp_directory_path() / ("rlz_file_contents_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "f.bin").string();
  const std::string bytes("a\0b\nc", 5);
  ASSERT_TRUE(WriteFileContents(path, "a much longer first version").ok());
  ASSERT_TRUE(WriteFileContents(path, bytes).ok());
  auto back = ReadFileContents(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, bytes);
  fs::remove_all(dir);
}

TEST(FileContentsTest, FailuresNameThePath) {
  const std::string missing = "/nonexistent-rlzero-dir/x.txt";
  Status w = WriteFileContents(missing, "x");
  EXPECT_EQ(w.code(), StatusCode::kUnavailable);
  EXPECT_NE(w.message().find(missing), std::string::npos) << w.ToString();
  auto r = ReadFileContents(missing);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(missing), std::string::npos);
}

}  // namespace
}  // namespace rlzero
