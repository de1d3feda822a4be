// tests/policy/safetensors_test.cc: the safetensors reader against files
// built byte by byte here from the format's specification (not by our
// writer), the writer against the same layout, bad files, sharded dirs.
#include "policy/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace rlzero {
namespace {

namespace fs = std::filesystem;

std::string U64Le(uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s;
}

std::string FloatBytes(std::initializer_list<float> v) {
  std::string s;
  for (float f : v) s.append(reinterpret_cast<const char*>(&f), 4);
  return s;
}

// 8-byte length + header + data, as the specification lays it out.
std::string MakeFile(const std::string& header, const std::string& data) {
  return U64Le(header.size()) + header + data;
}

std::string TempDir(const std::string& name) {
  std::string d =
      fs::temp_directory_path().string() + "/rlz_st_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SafetensorsTest, ReadsHandBuiltFile) {
  const std::string header =
      R"({"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},)"
      R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"format":"pt"}})";
  // bf16 1.0 = 0x3F80, -2.0 = 0xC000 (little-endian).
  std::string data = FloatBytes({1.5f, -2.0f}) + std::string("\x80\x3f\x00\xc0", 4);
  std::string dir = TempDir("read");
  WriteBytes(dir + "/m.safetensors", MakeFile(header, data));
  auto f = SafetensorsFile::Open(dir + "/m.safetensors");
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ((*f)->entries().size(), 2u);
  EXPECT_EQ((*f)->metadata().at("format"), "pt");
  const StEntry* a = (*f)->Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, StDtype::kF32);
  EXPECT_EQ(a->shape, std::vector<int64_t>({2}));
  float v[2];
  std::memcpy(v, a->data, 8);
  EXPECT_EQ(v[0], 1.5f);
  EXPECT_EQ(v[1], -2.0f);
  const StEntry* b = (*f)->Find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, StDtype::kBF16);
  EXPECT_EQ(b->nbytes, 4u);
  EXPECT_EQ(b->data[0], 0x80);
  EXPECT_EQ(b->data[3], 0xc0);
  EXPECT_EQ((*f)->Find("c"), nullptr);
  fs::remove_all(dir);
}

TEST(SafetensorsTest, WriterProducesSpecLayout) {
  std::string dir = TempDir("write");
  float a[3] = {1, 2, 3};
  int64_t b[1] = {42};
  ASSERT_TRUE(
      WriteSafetensors(dir + "/w.safetensors",
                       {{"x", StDtype::kF32, {3}, a, 12}, {"y", StDtype::kI64, {1, 1}, b, 8}},
                       {{"format", "pt"}})
          .ok());
  std::string bytes = ReadBytes(dir + "/w.safetensors");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  EXPECT_EQ(n % 8, 0u) << "header padded so data stays aligned";
  ASSERT_EQ(bytes.size(), 8 + n + 20);
  std::string header = bytes.substr(8, n);
  auto j = nlohmann::json::parse(header);
  EXPECT_EQ(j["__metadata__"]["format"], "pt");
  EXPECT_EQ(j["x"]["dtype"], "F32");
  EXPECT_EQ(j["x"]["data_offsets"], nlohmann::json::array({0, 12}));
  EXPECT_EQ(j["y"]["shape"], nlohmann::json::array({1, 1}));
  EXPECT_EQ(j["y"]["data_offsets"], nlohmann::json::array({12, 20}));
  EXPECT_EQ(std::memcmp(bytes.data() + 8 + n, a, 12), 0);
  EXPECT_EQ(std::memcmp(bytes.data() + 8 + n + 12, b, 8), 0);
  EXPECT_FALSE(fs::exists(dir + "/w.safetensors.tmp"));
  fs::remove_all(dir);
}

// Each bad file must give a Status naming the file (and the tensor).
struct BadCase {
  const char* what;
  std::string bytes;
  const char* must_mention;
};

TEST(SafetensorsTest, RejectsBadFilesWithNamedErrors) {
  const std::string good_header = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string data = FloatBytes({1, 2});
  std::vector<BadCase> cases = {
      {"empty", "", "truncated"},
      {"short length", std::string("\x05\x00\x00", 3), "truncated"},
      {"header beyond file", U64Le(1000) + good_header, "truncated"},
      {"header too large", U64Le(uint64_t{1} << 40) + "{}", "exceeds"},
      {"not json", MakeFile("{not json", data), "not valid JSON"},
      {"not object", MakeFile("[1,2]", data), "not a JSON object"},
      {"truncated data", MakeFile(good_header, data.substr(0, 5)), "w"},
      {"offsets out of range",
       MakeFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,800]}})", data), "w"},
      {"offsets reversed",
       MakeFile(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", data), "w"},
      {"size mismatch", MakeFile(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data),
       "w"},
      {"overlap",
       MakeFile(R"({"u":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                R"("v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                data),
       "overlap"},
      {"bad dtype", MakeFile(R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", data),
       "Q4"},
      {"negative dim", MakeFile(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data),
       "w"},
      {"overflowing shape",
       MakeFile(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})",
                data),
       "overflow"},
      {"missing offsets", MakeFile(R"({"w":{"dtype":"F32","shape":[2]}})", data), "w"},
      {"metadata not strings", MakeFile(R"({"__metadata__":{"a":1}})", ""), "__metadata__"},
  };
  for (const auto& c : cases) {
    auto f = SafetensorsFile::FromBytes(c.bytes, "bad.safetensors");
    ASSERT_FALSE(f.ok()) << c.what;
    EXPECT_NE(f.status().message().find("bad.safetensors"), std::string::npos)
        << c.what << ": " << f.status().message();
    EXPECT_NE(f.status().message().find(c.must_mention), std::string::npos)
        << c.what << ": " << f.status().message();
  }
}

TEST(SafetensorsTest, OpenMissingFileIsNotFound) {
  auto f = SafetensorsFile::Open("/nonexistent/model.safetensors");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kNotFound);
  EXPECT_NE(f.status().message().find("/nonexistent/model.safetensors"), std::string::npos);
}

TEST(SafetensorsCheckpointTest, ReadsShardsThroughIndex) {
  std::string dir = TempDir("shards");
  WriteBytes(
      dir + "/model-00001-of-00002.safetensors",
      MakeFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", FloatBytes({7})));
  WriteBytes(
      dir + "/model-00002-of-00002.safetensors",
      MakeFile(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", FloatBytes({9})));
  WriteBytes(dir + "/model.safetensors.index.json",
             R"({"metadata":{"total_size":8},"weight_map":{"a":"model-00001-of-00002.safetensors",)"
             R"("b":"model-00002-of-00002.safetensors"}})");
  auto ck = SafetensorsCheckpoint::Open(dir);
  ASSERT_TRUE(ck.ok()) << ck.status().message();
  EXPECT_EQ((*ck)->Names(), std::vector<std::string>({"a", "b"}));
  auto b = (*ck)->Find("b");
  ASSERT_NE(b.entry, nullptr);
  float v;
  std::memcpy(&v, b.entry->data, 4);
  EXPECT_EQ(v, 9.0f);
  EXPECT_NE(b.file->path().find("00002-of-00002"), std::string::npos);
  EXPECT_EQ((*ck)->Find("zzz").entry, nullptr);

  // The index maps a tensor to a shard that lacks it.
  WriteBytes(dir + "/model.safetensors.index.json",
             R"({"weight_map":{"a":"model-00002-of-00002.safetensors"}})");
  auto bad = SafetensorsCheckpoint::Open(dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tensor a"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("model-00002-of-00002"), std::string::npos);

  // Path escapes in shard names are refused.
  WriteBytes(dir + "/model.safetensors.index.json", R"({"weight_map":{"a":"../x.safetensors"}})");
  EXPECT_FALSE(SafetensorsCheckpoint::Open(dir).ok());
  fs::remove_all(dir);
}

TEST(SafetensorsCheckpointTest, EmptyDirIsNotFound) {
  std::string dir = TempDir("empty");
  auto ck = SafetensorsCheckpoint::Open(dir);
  ASSERT_FALSE(ck.ok());
  EXPECT_NE(ck.status().message().find("model.safetensors"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace rlzero
