// tests/data/jsonl_test.cc: JSONL reading (plain, gzip, blank lines, CRLF)
// and line-numbered errors.
#include "data/jsonl.h"

#include <gtest/gtest.h>

#include <fstream>

namespace rlzero::data {
namespace {

std::string WriteJsonlFixture(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

TEST(JsonlTest, ReadsRecordsSkippingBlankLines) {
  auto r = ReadJsonl(WriteJsonlFixture("a.jsonl", "{\"a\": 1}\n\n  \r\n{\"a\": 2}\r\n[3]"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r.value().size(), 3u);
  EXPECT_EQ(r.value()[1]["a"], 2);
  EXPECT_EQ(r.value()[2][0], 3);
}

TEST(JsonlTest, BadLineNamesFileAndLine) {
  auto r = ReadJsonl(WriteJsonlFixture("bad.jsonl", "{\"a\": 1}\n\n{\"a\": oops}\n{\"a\": 3}\n"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.jsonl: line 3: not valid JSON"), std::string::npos)
      << r.status().message();
}

TEST(JsonlTest, LongLinesAreRead) {
  std::string big(100000, 'x');
  auto r = ReadJsonl(WriteJsonlFixture("long.jsonl", "{\"s\": \"" + big + "\"}\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()[0]["s"].get<std::string>().size(), big.size());
}

TEST(JsonlTest, ReadsGzip) {
  std::string plain = WriteJsonlFixture("z.jsonl", "{\"k\": \"v\"}\n{\"k\": \"w\"}\n");
  ASSERT_EQ(std::system(("gzip -f '" + plain + "'").c_str()), 0);
  auto r = ReadJsonl(plain + ".gz");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r.value().size(), 2u);
  EXPECT_EQ(r.value()[1]["k"], "w");
}

TEST(JsonlTest, MissingFileIsNotFound) {
  auto r = ReadJsonl(::testing::TempDir() + "/nope.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope.jsonl"), std::string::npos);
}

TEST(JsonlTest, WritesCompactLines) {
  EXPECT_EQ(ToJsonLine(Json{{"a", 1}}), "{\"a\":1}\n");
  // Invalid UTF-8 never makes an invalid JSON line.
  EXPECT_EQ(ToJsonLine(Json("\xFF")), "\"\xEF\xBF\xBD\"\n");
}

}  // namespace
}  // namespace rlzero::data
