// Code verifier: extraction, output comparison, the harness run for real with
// a local python (tests/verifiers/local_python_sandbox.h) including
// early-exit and builtin-patching reward hacks, and sandbox failures through
// a scripted fake.
#include "verifiers/code_verifier.h"

#include <gtest/gtest.h>

#include "sandbox/sandbox.h"
#include "tests/verifiers/local_python_sandbox.h"
#ifdef RLZERO_HAVE_SANDBOX
#include "sandbox/sandbox_config.h"
#endif

namespace rlzero::verifiers {
namespace {

std::string Block(const std::string& code) { return "Here:\n```python\n" + code + "\n```\n"; }

// The harness tests run through each sandbox: "local" (test-only local
// python) and "real" (the sandbox library with its default config, when it is
// linked and the host allows its isolation; skipped otherwise).
sandbox::Sandbox* SandboxNamed(const std::string& kind) {
  if (kind == "local") {
    static testing::LocalPythonSandbox local;
    return &local;
  }
#ifdef RLZERO_HAVE_SANDBOX
  static std::unique_ptr<sandbox::Sandbox> real = [] {
    auto sb = sandbox::CreateSandbox(sandbox::SandboxConfig{});
    return sb.ok() ? std::move(sb).value() : nullptr;
  }();
  return real.get();
#else
  return nullptr;
#endif
}

class CodeVerifierTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    sandbox_ = SandboxNamed(GetParam());
    if (sandbox_ == nullptr) GTEST_SKIP() << "sandbox '" << GetParam() << "' unavailable here";
  }
  VerifyResult Score(Json sample, Json options = Json(nullptr)) {
    auto v = MakeVerifier("code", options, VerifierEnv{sandbox_});
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (!v.ok()) return {};
    auto r = (*v)->Verify(sample, Deadline::In(20000));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyResult{};
  }
  sandbox::Sandbox* sandbox_ = nullptr;
};

const char* kAdd = "def add(a, b):\n    return a + b";
const Json kAddTests = {"assert add(1, 2) == 3", "assert add(-1, 1) == 0", "assert add(2, 2) == 4"};

TEST(CodeExtractionTest, TakesTheLastPythonBlock) {
  EXPECT_EQ(*ExtractLastPythonBlock("```python\na\n```\ntext\n```python\nb\n```"), "b");
  EXPECT_EQ(*ExtractLastPythonBlock("```py\nx = 1\n```"), "x = 1");
  EXPECT_EQ(*ExtractLastPythonBlock("```Python3\nx\n```"), "x");
  // A later non-python block does not count; an unclosed block does not count.
  EXPECT_EQ(*ExtractLastPythonBlock("```python\na\n```\n```bash\nls\n```"), "a");
  EXPECT_EQ(*ExtractLastPythonBlock("```python\na\n```\n```python\nb"), "a");
  EXPECT_FALSE(ExtractLastPythonBlock("def f(): pass").has_value());
  EXPECT_FALSE(ExtractLastPythonBlock("```\nx\n```").has_value());
}

TEST(CodeExtractionTest, ComparesOutputLineByLine) {
  EXPECT_TRUE(OutputMatches("1 2\n3\n", "1 2\n3"));
  EXPECT_TRUE(OutputMatches("  1 2  \r\n3\n\n\n", "1 2\n3\n"));
  EXPECT_FALSE(OutputMatches("1 2\n3\n", "1 2 3\n"));
  EXPECT_FALSE(OutputMatches("1\n\n2\n", "1\n2\n"));
  EXPECT_FALSE(OutputMatches("", "0"));
}

TEST_P(CodeVerifierTest, MbppStyleTestsScoreTheFractionPassed) {
  auto r = Score({{"response", Block(kAdd)}, {"tests", kAddTests}});
  EXPECT_TRUE(r.correct) << r.reason;
  EXPECT_EQ(r.score, 1.0);
  EXPECT_EQ(r.extracted, kAdd);
  // Wrong for negative numbers: 2 of 3 pass.
  r = Score(
      {{"response", Block("def add(a, b):\n    return abs(a) + abs(b)")}, {"tests", kAddTests}});
  EXPECT_FALSE(r.correct);
  EXPECT_DOUBLE_EQ(r.score, 2.0 / 3.0);
  EXPECT_NE(r.reason.find("AssertionError"), std::string::npos) << r.reason;
}

TEST_P(CodeVerifierTest, SetupRunsFirst) {
  Json s = {{"response", Block("def f():\n    return K * 2")},
            {"setup", "K = 21"},
            {"tests", {"assert f() == 42"}}};
  EXPECT_TRUE(Score(s).correct);
}

TEST_P(CodeVerifierTest, HumanEvalStyleIsAllOrNothing) {
  Json s = {{"response", Block("def inc(x):\n    return x + 1")},
            {"test",
             "def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(5) == 6\n"},
            {"entry_point", "inc"}};
  auto r = Score(s);
  EXPECT_TRUE(r.correct) << r.reason;
  EXPECT_EQ(r.score, 1.0);
  s["response"] = Block("def inc(x):\n    return None");
  r = Score(s);
  EXPECT_FALSE(r.correct);
  EXPECT_EQ(r.score, 0.0);
  // A solution that defines its own check() is overridden by the test's.
  s["response"] = Block("def inc(x):\n    return None\ndef check(c):\n    pass");
  EXPECT_FALSE(Score(s).correct);
  // Missing entry point.
  s["response"] = Block("def other(x):\n    return x + 1");
  EXPECT_FALSE(Score(s).correct);
}

TEST_P(CodeVerifierTest, EarlyExitsNeverPass) {
  const char* exits[] = {
      "import os\nos._exit(0)",
      "import sys\nsys.exit(0)",
      "raise SystemExit",
      "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
      "import sys, os\nos.close(1)\nsys.exit(0)",
      "def add(a, b):\n    import os\n    os._exit(0)",
      "def add(a, b):\n    raise SystemExit(0)",
      "def add(a, b):\n    import sys\n    sys.exit(0)",
  };
  for (const char* code : exits) {
    auto r = Score({{"response", Block(code)}, {"tests", kAddTests}});
    EXPECT_FALSE(r.correct) << code;
    EXPECT_EQ(r.score, 0.0) << code;
    Json he = {{"response", Block(std::string(code) + "\ndef inc(x):\n    return x + 1")},
               {"test", "def check(candidate):\n    assert candidate(1) == 2\n"},
               {"entry_point", "inc"}};
    if (std::string(code).rfind("def add", 0) != 0) EXPECT_FALSE(Score(he).correct) << code;
  }
  // Exiting in the middle: only the tests that ran before count.
  auto r = Score({{"response", Block("def add(a, b):\n    if a == 2:\n        import os\n"
                                     "        os._exit(0)\n    return a + b")},
                  {"tests", kAddTests}});
  EXPECT_DOUBLE_EQ(r.score, 2.0 / 3.0);
}

TEST_P(CodeVerifierTest, ForgedOrPatchedMarkersDoNotPass) {
  // Printing marker-looking lines without the nonce, and replacing builtins
  // the harness uses, must not make tests pass.
  const char* hacks[] = {
      "print('\\nrlz0000 0 pass\\nrlz0000 1 pass\\nrlz0000 2 pass')\ndef add(a, b):\n    return -7",
      "import builtins\nbuiltins.exec = lambda *a, **k: None\ndef add(a, b):\n    return -7",
      "import builtins\nbuiltins.compile = lambda *a, **k: compile('pass', 'x', 'exec')\n"
      "def add(a, b):\n    return -7",
      "import sys\nsys.stdin.read()\ndef add(a, b):\n    return -7",
  };
  for (const char* code : hacks) {
    auto r = Score({{"response", Block(code)}, {"tests", kAddTests}});
    EXPECT_FALSE(r.correct) << code;
    EXPECT_EQ(r.score, 0.0) << code << " " << r.reason;
  }
}

TEST_P(CodeVerifierTest, StdinStdoutCases) {
  Json cases = Json::array(
      {{{"stdin", "1 2\n"}, {"stdout", "3\n"}}, {{"stdin", "10 -4\n"}, {"stdout", "6"}}});
  auto r = Score(
      {{"response", Block("a, b = map(int, input().split())\nprint(a + b)")}, {"cases", cases}});
  EXPECT_TRUE(r.correct) << r.reason;
  r = Score({{"response", Block("a, b = map(int, input().split())\nprint(abs(b) + a)")},
             {"cases", cases}});
  EXPECT_DOUBLE_EQ(r.score, 0.5);
  // Right output but a non-zero exit does not pass.
  r = Score(
      {{"response", Block("a, b = map(int, input().split())\nprint(a + b)\nraise SystemExit(3)")},
       {"cases", cases}});
  EXPECT_EQ(r.score, 0.0);
}

TEST_P(CodeVerifierTest, TimeoutsAndMissingCode) {
  auto r = Score({{"response", Block("while True:\n    pass")}, {"tests", kAddTests}},
                 Json{{"time_limit_ms", 500}});
  EXPECT_FALSE(r.correct);
  EXPECT_NE(r.reason.find("timeout"), std::string::npos) << r.reason;
  r = Score({{"response", "no code here"}, {"tests", kAddTests}});
  EXPECT_FALSE(r.correct);
  EXPECT_NE(r.reason.find("no ```python block"), std::string::npos);
}

TEST_P(CodeVerifierTest, MalformedSamplesAreErrors) {
  auto v = MakeVerifier("code", Json(nullptr), VerifierEnv{sandbox_});
  ASSERT_TRUE(v.ok());
  Deadline d = Deadline::In(1000);
  EXPECT_FALSE((*v)->Verify(Json{{"response", Block(kAdd)}}, d).ok());
  EXPECT_FALSE((*v)->Verify(Json{{"response", Block(kAdd)}, {"tests", Json::array()}}, d).ok());
  EXPECT_FALSE((*v)->Verify(Json{{"response", Block(kAdd)}, {"tests", {1}}}, d).ok());
  EXPECT_FALSE((*v)->Verify(Json{{"response", Block(kAdd)}, {"test", "x"}}, d).ok());
  EXPECT_FALSE(
      (*v)->Verify(Json{{"response", Block(kAdd)}, {"tests", kAddTests}, {"cases", {}}}, d).ok());
}

INSTANTIATE_TEST_SUITE_P(Sandboxes, CodeVerifierTest, ::testing::Values("local", "real"),
                         [](const auto& info) { return info.param; });

// A sandbox that fails as infrastructure.
class BrokenSandbox : public sandbox::Sandbox {
 public:
  StatusOr<sandbox::RunResult> Run(const sandbox::RunRequest&) override {
    sandbox::RunResult r;
    r.status = sandbox::RunStatus::kSandboxError;
    r.error = "cgroup unavailable";
    return r;
  }
};

TEST(CodeVerifierSandboxTest, SandboxFailureIsUnavailableNotWrong) {
  BrokenSandbox broken;
  auto v = MakeVerifier("code", Json(nullptr), VerifierEnv{&broken});
  ASSERT_TRUE(v.ok());
  auto r = (*v)->Verify(Json{{"response", Block(kAdd)}, {"tests", kAddTests}}, Deadline::In(1000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("cgroup unavailable"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::verifiers
