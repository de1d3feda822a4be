// tests/data/converters_test.cc: the dataset converters on records written
// as the datasets publish them. The GSM8K record is the test split's first
// (gold answer 18), shortened (GSM8K is MIT); the others are made-up records
// in the published shapes. Golden values follow the datasets' documented
// formats.
#include "data/converters.h"

#include <gtest/gtest.h>

#include <fstream>

namespace rlzero::data {
namespace {

std::string WriteConverterInput(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

std::vector<Json> Convert(const std::string& name, const std::string& file,
                          const ConvertOptions& options = {}) {
  std::vector<Json> out;
  const DatasetConverter* c = FindConverter(name);
  EXPECT_NE(c, nullptr);
  Status st = ConvertFile(*c, file, options, [&](const Json& r) { out.push_back(r); });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(ConvertersTest, Gsm8kGoldIsTextAfterHashesWithoutCommas) {
  EXPECT_EQ(Gsm8kGold("a\nb\n#### 1,000").value(), "1000");
  EXPECT_EQ(Gsm8kGold("x #### -3.5 ").value(), "-3.5");
  EXPECT_FALSE(Gsm8kGold("no marker").ok());
  EXPECT_FALSE(Gsm8kGold("#### ").ok());
}

TEST(ConvertersTest, Gsm8kRecord) {
  std::string f = WriteConverterInput(
      "gsm.jsonl",
      R"({"question": "Janet's ducks lay 16 eggs per day. How much does she make?", "answer": "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day at the farmer's market.\n#### 18"})"
      "\n");
  auto out = Convert("gsm8k", f);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["answer"], "18");
  EXPECT_EQ(out[0]["task"], "math");
  EXPECT_EQ(out[0]["id"], "gsm8k-0");
  EXPECT_NE(out[0]["prompt"].get<std::string>().find("User: Janet's ducks"), std::string::npos);
}

TEST(ConvertersTest, Math500KeepsAnswerAndId) {
  std::string f = WriteConverterInput(
      "m.jsonl",
      R"({"problem": "Compute $1+1$.", "solution": "It is $\\boxed{2}$.", "answer": "2", "subject": "Algebra", "level": 1, "unique_id": "test/algebra/1.json"})"
      "\n");
  ConvertOptions o;
  o.prompt_template = "raw";
  auto out = Convert("math500", f, o);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["answer"], "2");
  EXPECT_EQ(out[0]["id"], "test/algebra/1.json");
  EXPECT_EQ(out[0]["prompt"], "Compute $1+1$.");
  EXPECT_EQ(out[0]["level"], 1);
}

TEST(ConvertersTest, HumanEvalCarriesTestAndEntryPoint) {
  std::string f = WriteConverterInput(
      "he.jsonl",
      R"({"task_id": "HumanEval/0", "prompt": "def f(x):\n", "canonical_solution": "    return x\n", "test": "def check(candidate):\n    assert candidate(1) == 1\n", "entry_point": "f"})"
      "\n");
  auto out = Convert("humaneval", f);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["id"], "HumanEval/0");
  EXPECT_EQ(out[0]["task"], "code");
  EXPECT_EQ(out[0]["entry_point"], "f");
  EXPECT_EQ(out[0]["test"], "def check(candidate):\n    assert candidate(1) == 1\n");
  EXPECT_FALSE(out[0].contains("canonical_solution"));  // never leak the answer
}

TEST(ConvertersTest, MbppSplitsByTaskId) {
  std::string rec =
      R"({"text": "Write f.", "code": "def f(): return 1", "task_id": %d, "test_setup_code": "import math", "test_list": ["assert f() == 1", "assert f() != 2"], "challenge_test_list": []})";
  std::string text;
  for (int id : {5, 11, 510, 511, 601}) {
    char buf[512];
    std::snprintf(buf, sizeof(buf), rec.c_str(), id);
    text += std::string(buf) + "\n";
  }
  std::string f = WriteConverterInput("mbpp.jsonl", text);
  ConvertOptions o;
  o.split = "test";
  auto test = Convert("mbpp", f, o);
  ASSERT_EQ(test.size(), 2u);
  EXPECT_EQ(test[0]["id"], "mbpp-11");
  EXPECT_EQ(test[1]["id"], "mbpp-510");
  EXPECT_EQ(test[0]["tests"], Json({"assert f() == 1", "assert f() != 2"}));
  EXPECT_EQ(test[0]["setup"], "import math");
  EXPECT_NE(test[0]["question"].get<std::string>().find("assert f() == 1"), std::string::npos);
  EXPECT_EQ(Convert("mbpp", f).size(), 5u);
  o.split = "train";
  EXPECT_EQ(Convert("mbpp", f, o).size(), 1u);
}

TEST(ConvertersTest, ErrorsNameFileAndLine) {
  std::string f = WriteConverterInput(
      "broken.jsonl", "{\"question\": \"q\", \"answer\": \"#### 1\"}\n{\"question\": \"q\"}\n");
  const DatasetConverter* c = FindConverter("gsm8k");
  Status st = ConvertFile(*c, f, {}, [](const Json&) {});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("broken.jsonl: line 2"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("\"answer\""), std::string::npos) << st.message();
  ConvertOptions bad_split;
  bad_split.split = "dev";
  EXPECT_FALSE(ConvertFile(*c, f, bad_split, [](const Json&) {}).ok());
  EXPECT_EQ(FindConverter("nope"), nullptr);
}

}  // namespace
}  // namespace rlzero::data
