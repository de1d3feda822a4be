#include "rpc/auth.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace rlzero::rpc {
namespace {

std::string TempFile(const std::string& content) {
  char buf[] = "/tmp/rlzero_auth_XXXXXX";
  int fd = mkstemp(buf);
  close(fd);
  std::ofstream(buf) << content;
  return buf;
}

TEST(TokenAuthTest, ReadsAndTrimsTokenFile) {
  auto a = TokenAuth::FromFile(TempFile("  s3cret\n"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->enabled());
}

TEST(TokenAuthTest, RejectsEmptyMissingAndMultiWordFiles) {
  auto empty = TokenAuth::FromFile(TempFile("\n \n"));
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);
  auto missing = TokenAuth::FromFile("/nonexistent/token");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/token"), std::string::npos);
  EXPECT_FALSE(TokenAuth::FromFile(TempFile("two words")).ok());
}

TEST(TokenAuthTest, GeneratedTokensAreHexAndDistinct) {
  auto a = TokenAuth::GenerateToken();
  auto b = TokenAuth::GenerateToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(*a, *b);
}

TEST(TokenAuthTest, NewTokenFileIsPrivate) {
  std::string path = TempFile("");
  auto token = WriteNewTokenFile(path);
  ASSERT_TRUE(token.ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = TokenAuth::FromFile(path);
  ASSERT_TRUE(back.ok());
}

}  // namespace
}  // namespace rlzero::rpc
