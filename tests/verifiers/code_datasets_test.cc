// The code verifier on real datasets: all 164 HumanEval canonical solutions
// pass and their `return None` variants fail; MBPP's test split (task_id
// 11-510) canonical solutions pass (>= 98%); early-exit variants fail.
// By default every 8th HumanEval task and every 10th MBPP task run (the suite
// must stay fast on 2 shared cores); RLZERO_FULL_DATASETS=1 runs all of them
// (about 1,300 python processes, ~2 minutes on a loaded 2-core machine).
// Runs through LocalPythonSandbox (unsandboxed local python3, trusted dataset
// code), so the harness itself is what is tested, and, when the sandbox
// library is linked (RLZERO_HAVE_SANDBOX), through the real sandbox too (the
// RealSandbox tests skip, saying why, when the host forbids its isolation).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/subprocess.h"
#include "tests/verifiers/local_python_sandbox.h"
#include "verifiers/code_verifier.h"
#ifdef RLZERO_HAVE_SANDBOX
#include "sandbox/sandbox_config.h"
#endif

namespace rlzero::verifiers {
namespace {

std::vector<Json> ReadJsonl(const std::string& text) {
  std::vector<Json> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(Json::parse(line));
  return rows;
}

std::vector<Json> HumanEval() {
  auto r = rlzero::testing::RunCommand("gzip -dc " RLZERO_SOURCE_DIR
                                       "/tests/fixtures/data/HumanEval.jsonl.gz");
  EXPECT_EQ(r.exit_code, 0);
  return ReadJsonl(r.out);
}

std::vector<Json> MbppTestSplit() {
  std::ifstream f(RLZERO_SOURCE_DIR "/tests/fixtures/data/mbpp.jsonl");
  std::stringstream ss;
  ss << f.rdbuf();
  std::vector<Json> out;
  for (Json& row : ReadJsonl(ss.str()))
    if (row["task_id"].get<int>() >= 11 && row["task_id"].get<int>() <= 510) out.push_back(row);
  return out;
}

size_t Stride(size_t subset_stride) {
  const char* full = std::getenv("RLZERO_FULL_DATASETS");
  return full != nullptr && std::string(full) == "1" ? 1 : subset_stride;
}

std::string Block(const std::string& code) { return "```python\n" + code + "\n```"; }

// Scores samples on 4 threads; returns one result per sample.
std::vector<VerifyResult> ScoreAll(const std::vector<Json>& samples, sandbox::Sandbox* sandbox) {
  auto v = MakeVerifier("code", Json{{"time_limit_ms", 20000}}, VerifierEnv{sandbox});
  EXPECT_TRUE(v.ok());
  std::vector<VerifyResult> out(samples.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < samples.size();) {
        auto r = (*v)->Verify(samples[i], Deadline::In(30000));
        out[i] = r.ok() ? *r : ResultFromError(r.status());
      }
    });
  for (auto& t : pool) t.join();
  return out;
}

void HumanEvalCanonicalPassAndReturnNoneFails(sandbox::Sandbox* sb) {
  std::vector<Json> tasks = HumanEval();
  ASSERT_EQ(tasks.size(), 164u);
  std::vector<Json> good, bad, exits, picked;
  for (size_t k = 0; k < tasks.size(); k += Stride(8)) {
    const Json& t = tasks[k];
    picked.push_back(t);
    Json s = {{"test", t["test"]}, {"entry_point", t["entry_point"]}};
    s["response"] =
        Block(t["prompt"].get<std::string>() + t["canonical_solution"].get<std::string>());
    good.push_back(s);
    s["response"] = Block(t["prompt"].get<std::string>() + "    return None\n");
    bad.push_back(s);
    s["response"] = Block(t["prompt"].get<std::string>() + "    import sys\n    sys.exit(0)\n");
    exits.push_back(s);
  }
  std::vector<VerifyResult> g = ScoreAll(good, sb), b = ScoreAll(bad, sb), e = ScoreAll(exits, sb);
  tasks = picked;
  int passed = 0, none_passed = 0, exit_passed = 0;
  for (size_t i = 0; i < tasks.size(); ++i) {
    passed += g[i].correct;
    none_passed += b[i].correct;
    exit_passed += e[i].correct;
    EXPECT_TRUE(g[i].correct) << tasks[i]["task_id"] << ": " << g[i].reason;
    EXPECT_FALSE(b[i].correct) << tasks[i]["task_id"];
    EXPECT_FALSE(e[i].correct) << tasks[i]["task_id"];
  }
  int n = static_cast<int>(tasks.size());
  std::printf("HumanEval: canonical %d/%d pass, return-None %d/%d pass, sys.exit %d/%d pass\n",
              passed, n, none_passed, n, exit_passed, n);
}

void MbppTestSplitCanonicalPass(sandbox::Sandbox* sb) {
  std::vector<Json> tasks = MbppTestSplit();
  ASSERT_EQ(tasks.size(), 500u);
  std::vector<Json> good, exits, picked;
  for (size_t k = 0; k < tasks.size(); k += Stride(10)) {
    const Json& t = tasks[k];
    picked.push_back(t);
    Json s = {{"tests", t["test_list"]}, {"setup", t["test_setup_code"]}};
    s["response"] = Block(t["code"].get<std::string>());
    good.push_back(s);
    s["response"] = Block(t["code"].get<std::string>() + "\nimport os\nos._exit(0)\n");
    exits.push_back(s);
  }
  tasks = picked;
  std::vector<VerifyResult> g = ScoreAll(good, sb), e = ScoreAll(exits, sb);
  int passed = 0, exit_scored = 0;
  for (size_t i = 0; i < tasks.size(); ++i) {
    passed += g[i].correct;
    if (!g[i].correct)
      std::printf("MBPP %d fails: %s\n", tasks[i]["task_id"].get<int>(), g[i].reason.c_str());
    EXPECT_EQ(e[i].score, 0.0) << tasks[i]["task_id"];
    exit_scored += e[i].score > 0;
  }
  std::printf(
      "MBPP test split: %d/%zu canonical solutions pass; os._exit variants scoring > 0: %d\n",
      passed, tasks.size(), exit_scored);
  EXPECT_GE(passed * 100, static_cast<int>(tasks.size()) * 98);  // >= 98%
}

TEST(CodeDatasetsTest, HumanEvalLocalPython) {
  rlzero::testing::LocalPythonSandbox sb;
  HumanEvalCanonicalPassAndReturnNoneFails(&sb);
}

TEST(CodeDatasetsTest, MbppLocalPython) {
  rlzero::testing::LocalPythonSandbox sb;
  MbppTestSplitCanonicalPass(&sb);
}

#ifdef RLZERO_HAVE_SANDBOX
// The real sandbox with its default config, or a skip naming why not.
std::unique_ptr<sandbox::Sandbox> RealSandbox(std::string* why) {
  auto sb = sandbox::CreateSandbox(sandbox::SandboxConfig{});
  if (!sb.ok()) {
    *why = sb.status().ToString();
    return nullptr;
  }
  return std::move(sb).value();
}

TEST(CodeDatasetsTest, HumanEvalRealSandbox) {
  std::string why;
  auto sb = RealSandbox(&why);
  if (!sb) GTEST_SKIP() << "sandbox unavailable on this host: " << why;
  HumanEvalCanonicalPassAndReturnNoneFails(sb.get());
}

TEST(CodeDatasetsTest, MbppRealSandbox) {
  std::string why;
  auto sb = RealSandbox(&why);
  if (!sb) GTEST_SKIP() << "sandbox unavailable on this host: " << why;
  MbppTestSplitCanonicalPass(sb.get());
}
#endif

}  // namespace
}  // namespace rlzero::verifiers
