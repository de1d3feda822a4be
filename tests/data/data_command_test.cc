// tests/data/data_command_test.cc: `rlzero data` as a real process. Counts
// are those the datasets' README states (GSM8K test 1,319; MATH-500 500;
// HumanEval 164; MBPP test split 500), on the committed-by-reference files in
// ../shared/data when present (skipped otherwise), and on small inline input.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

using rlzero::testing::BinPath;
using rlzero::testing::RunCommand;

size_t CountLines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(DataCommandTest, CountdownJsonl) {
  auto r = RunCommand(BinPath("rlzero") +
                      " data countdown --n 20 --seed 3 --min-numbers 3 --max-numbers 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountLines(r.out), 20u);
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    for (const char* k : {"id", "prompt", "numbers", "target", "solution"})
      EXPECT_TRUE(j.contains(k)) << k;
    EXPECT_EQ(j["numbers"].size(), 3u);
  }
  auto again = RunCommand(BinPath("rlzero") +
                          " data countdown --n 20 --seed 3 --min-numbers 3 --max-numbers 3");
  EXPECT_EQ(again.out, r.out);
}

TEST(DataCommandTest, ConvertsStdinAndReportsBadLines) {
  auto ok = RunCommand(BinPath("rlzero") + " data gsm8k --input -",
                       "{\"question\": \"q\", \"answer\": \"w\\n#### 2,500\"}\n");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(nlohmann::json::parse(ok.out)["answer"], "2500");
  auto bad = RunCommand(BinPath("rlzero") + " data gsm8k --input -",
                        "{\"question\": \"q\", \"answer\": \"#### 1\"}\nnot json\n");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("line 2"), std::string::npos) << bad.err;
  EXPECT_EQ(RunCommand(BinPath("rlzero") + " data nosuch").exit_code, 2);
  EXPECT_EQ(RunCommand(BinPath("rlzero") + " data countdown --n 1").exit_code, 2);  // no --seed
  EXPECT_EQ(RunCommand(BinPath("rlzero") + " data mbpp --input - --split dev").exit_code, 2);
  EXPECT_EQ(RunCommand(BinPath("rlzero") + " data --help").exit_code, 0);
}

TEST(DataCommandTest, SharedDatasetsConvertCompletely) {
  // ../shared/data beside the checkout (a worktree one level deeper also works).
  std::string dir;
  for (const char* rel : {"/../shared/data", "/../../shared/data"}) {
    struct stat st;
    std::string d = std::string(RLZERO_SOURCE_DIR) + rel;
    if (::stat((d + "/gsm8k_test.jsonl").c_str(), &st) == 0) {
      dir = d;
      break;
    }
  }
  if (dir.empty()) GTEST_SKIP() << "no ../shared/data beside the checkout";
  struct Case {
    std::string cmd;
    size_t n;
  } cases[] = {{"gsm8k --input " + dir + "/gsm8k_test.jsonl", 1319},
               {"math500 --input " + dir + "/math500_test.jsonl", 500},
               {"humaneval --input " + dir + "/HumanEval.jsonl.gz", 164},
               {"mbpp --split test --input " + dir + "/mbpp.jsonl", 500}};
  for (const auto& c : cases) {
    auto r = RunCommand(BinPath("rlzero") + " data " + c.cmd);
    ASSERT_EQ(r.exit_code, 0) << c.cmd << ": " << r.err;
    EXPECT_EQ(CountLines(r.out), c.n) << c.cmd;
  }
}

}  // namespace
}  // namespace rlzero
