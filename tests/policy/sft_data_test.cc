// tests/policy/sft_data_test.cc: how `rlzero sft` turns JSONL lines into
// sequences and loss boundaries (bos/eos, truncation, which tokens carry
// loss) and how it reports bad lines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "policy/sft_trainer.h"

namespace rlzero {
namespace {

// A JSONL file under the test temp dir, removed when the test ends (the
// name carries the pid, so leftovers would pile up run after run).
class DataFile {
 public:
  explicit DataFile(const std::string& text)
      : path_(::testing::TempDir() + "/sft_data_" + std::to_string(::getpid()) + ".jsonl") {
    std::ofstream(path_) << text;
  }
  ~DataFile() { std::remove(path_.c_str()); }
  operator const std::string&() const { return path_; }

 private:
  std::string path_;
};

DataFile WriteData(const std::string& text) { return DataFile(text); }

TEST(SftDataTest, PromptResponseIdsCarryLossOnResponseAndEos) {
  SftConfig c;
  DataFile path =
      WriteData("{\"prompt_ids\": [5, 6, 7], \"response_ids\": [8, 9]}\n\n{\"ids\": [1, 2, 3]}\n");
  auto data = LoadSftData(path, c, nullptr, /*bos=*/std::optional<int64_t>(4),
                          /*eos=*/std::optional<int64_t>(0), /*vocab=*/16);
  ASSERT_TRUE(data.ok()) << data.status().message();
  ASSERT_EQ(data->size(), 2u);
  EXPECT_EQ((*data)[0].ids, std::vector<int64_t>({5, 6, 7, 8, 9, 0}));
  EXPECT_EQ((*data)[0].loss_start, 3) << "targets 8, 9 and eos";
  EXPECT_EQ((*data)[1].ids, std::vector<int64_t>({1, 2, 3, 0}));
  EXPECT_EQ((*data)[1].loss_start, 1) << "plain LM: every token after the first";

  c.add_bos = true;
  c.append_eos = false;
  c.max_seq_len = 5;
  data = LoadSftData(path, c, nullptr, std::optional<int64_t>(4), std::nullopt, 16);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ((*data)[0].ids, std::vector<int64_t>({4, 5, 6, 7, 8})) << "truncated to 5";
  EXPECT_EQ((*data)[0].loss_start, 4);
  EXPECT_EQ((*data)[1].ids, std::vector<int64_t>({4, 1, 2, 3}));
}

TEST(SftDataTest, BadLinesNameFileAndLine) {
  SftConfig c;
  struct Case {
    std::string text;
    std::string mention;
  };
  std::vector<Case> cases = {
      {"{\"ids\": [1, 2]}\n{\"prompt_ids\": [1], \"response_ids\": [99]}\n", ":2"},
      {"not json\n", ":1: not valid JSON"},
      {"{\"prompt\": \"hi\", \"response\": \"there\"}\n", "tokenizer"},
      {"{\"answer\": 1}\n", "expected"},
      {"[1, 2]\n", "not a JSON object"},
      {"\n\n", "no usable examples"},
  };
  for (const auto& cs : cases) {
    DataFile path = WriteData(cs.text);
    auto r = LoadSftData(path, c, nullptr, std::nullopt, std::nullopt, 16);
    ASSERT_FALSE(r.ok()) << cs.text;
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(cs.mention), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(LoadSftData("/nonexistent.jsonl", c, nullptr, std::nullopt, std::nullopt, 16).ok());
}

TEST(SftDataTest, ConfigDefaultsAndValidation) {
  Json j = {{"model", "m"}, {"data", "d"},     {"run_dir", "r"},
            {"lr", -1},     {"batch_size", 0}, {"bogus", 1}};
  ConfigReader reader(j, "sft.json");
  SftConfig c = SftConfig::FromConfig(reader);
  Status s = reader.Finish();
  ASSERT_FALSE(s.ok());
  for (const char* key : {"lr", "batch_size", "bogus"})
    EXPECT_NE(s.message().find(key), std::string::npos) << s.message();
  EXPECT_EQ(c.grad_accum, 1);
  EXPECT_EQ(reader.Resolved()["warmup_steps"], 0) << "defaults land in the resolved config";
}

}  // namespace
}  // namespace rlzero
