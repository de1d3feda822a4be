// tests/inspect/inspect_cli_test.cc: `rlzero inspect` end to end on a
// synthetic run dir (fake_run.h): every flag of the contract, JSON fields,
// colouring and the sanitising of hostile completions.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/inspect/fake_run.h"
#include "tests/inspect/test_run_dir.h"
#include "tests/support/subprocess.h"

namespace rlzero::inspect {
namespace {

using rlzero::testing::BinPath;
using rlzero::testing::CommandResult;
using rlzero::testing::RunCommand;

class InspectCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::ScratchDir("cli");
    ASSERT_TRUE(testing::WriteFakeRun(dir_->path()).ok());
  }
  static void TearDownTestSuite() { delete dir_; }
  CommandResult Inspect(const std::string& args) {
    return RunCommand(BinPath("rlzero") + " inspect " + dir_->path() + " " + args);
  }
  std::vector<nlohmann::json> JsonLines(const std::string& out) {
    std::vector<nlohmann::json> v;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      EXPECT_FALSE(j.is_discarded()) << line;
      v.push_back(j);
    }
    return v;
  }
  static testing::ScratchDir* dir_;
};
testing::ScratchDir* InspectCliTest::dir_ = nullptr;

TEST_F(InspectCliTest, StepJsonReturnsThatStepsRolloutsWithContractFields) {
  auto r = Inspect("--step 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 12u);  // 3 prompts x 4 samples
  for (const auto& j : lines) {
    for (const char* k : {"step", "prompt_id", "prompt", "completion", "reward", "rewards",
                          "advantage", "correct", "finish_reason"}) {
      EXPECT_TRUE(j.contains(k)) << k;
    }
    EXPECT_EQ(j["step"], 1);
    EXPECT_TRUE(j["rewards"].contains("correctness"));
    EXPECT_TRUE(j["rewards"].contains("format"));
    EXPECT_DOUBLE_EQ(j["reward"].get<double>(), j["rewards"]["correctness"].get<double>() +
                                                    j["rewards"]["format"].get<double>());
  }
  // Sample k of prompt p at step 1 is correct iff (p + k + 1) % 3 != 0.
  EXPECT_EQ(lines[0]["prompt_id"], "p0");
  EXPECT_EQ(lines[0]["correct"], true);   // p0 k0
  EXPECT_EQ(lines[2]["correct"], false);  // p0 k2
}

TEST_F(InspectCliTest, FiltersNarrowTheListing) {
  auto count = [&](const std::string& args) {
    auto r = Inspect(args + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return JsonLines(r.out).size();
  };
  // Wrong samples at step s: (p + k + s) % 3 == 0 for s < 3: 4 of 12 per step.
  EXPECT_EQ(count("--correct false"), 8u);
  EXPECT_EQ(count("--correct true --step 3"), 12u);
  EXPECT_EQ(count("--min-reward 1.5"), 28u);
  EXPECT_EQ(count("--max-reward 0"), 4u);  // wrong and unformatted
  EXPECT_EQ(count("--min-reward 0.4 --max-reward 0.6"), 4u);
  EXPECT_EQ(count("--grep onerror"), 1u);
  EXPECT_EQ(count("--prompt p2"), 12u);
  EXPECT_EQ(count("--prompt p2 --step 2"), 4u);
  EXPECT_EQ(count("--prompt p2 --limit 3"), 3u);
}

TEST_F(InspectCliTest, SummaryPerStepMergesMetrics) {
  auto r = Inspect("--json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["step"], 3);
  EXPECT_DOUBLE_EQ(lines[2]["accuracy"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(lines[0]["accuracy"].get<double>(), 8.0 / 12.0);
  EXPECT_DOUBLE_EQ(lines[1]["metrics"]["kl"].get<double>(), 0.004);
  auto text = Inspect("");
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("step"), std::string::npos);
  EXPECT_NE(text.out.find("0.667"), std::string::npos);  // step 1 accuracy
  EXPECT_NE(text.out.find("kl"), std::string::npos);
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos);  // not a tty: no colour
}

TEST_F(InspectCliTest, ShowColoursTokensAndNeutralisesHostileEscapes) {
  auto hostile = Inspect("--grep onerror --json");
  auto lines = JsonLines(hostile.out);
  ASSERT_EQ(lines.size(), 1u);
  std::string id = std::to_string(lines[0]["id"].get<int64_t>());
  EXPECT_EQ(lines[0]["tokens"].size(), lines[0]["logprobs"].size());

  auto plain = Inspect("--show " + id);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.find('\x1b'), std::string::npos);
  EXPECT_NE(plain.out.find("\\x1b[31mred"), std::string::npos);  // shown, not executed
  EXPECT_NE(plain.out.find("correctness 1.000"), std::string::npos);
  EXPECT_NE(plain.out.find("verifier: equal to 26"), std::string::npos);

  auto color = Inspect("--show " + id + " --color=always");
  ASSERT_EQ(color.exit_code, 0);
  EXPECT_NE(color.out.find("\x1b[0m"), std::string::npos);
  // The completion's own ESC never reaches the terminal raw: every raw ESC is
  // one of ours (SGR sequences from TokenColor / labels).
  EXPECT_EQ(color.out.find("\x1b[31mred\x1b[0m <answer>"), std::string::npos);
  EXPECT_NE(color.out.find("\\x1b[31mred"), std::string::npos);
  // p1 sample 0: the answer token "26" has log-prob -0.2 - 0.6 * ((i+0) % 4):
  // some bucket colour appears on a number token.
  auto by_adv = Inspect("--show " + id + " --color=always --color-by advantage");
  ASSERT_EQ(by_adv.exit_code, 0);
  EXPECT_NE(by_adv.out.find("\x1b[32m<"), std::string::npos);  // positive advantage: green tokens
}

TEST_F(InspectCliTest, AcrossStepsShowsEveryStepOfOnePrompt) {
  auto r = Inspect("--prompt p0 --across-steps");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"step 1", "step 2", "step 3"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  EXPECT_NE(r.out.find("4/4 correct"), std::string::npos);  // last step all correct
  auto bad = Inspect("--across-steps");
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(InspectCliTest, ErrorsNameWhatAndWhere) {
  auto r = Inspect("--show 99999");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no rollout with id 99999"), std::string::npos) << r.err;
  auto flag = Inspect("--no-such-flag");
  EXPECT_EQ(flag.exit_code, 2);
  auto correct = Inspect("--correct maybe");
  EXPECT_EQ(correct.exit_code, 2);
  auto missing = RunCommand(BinPath("rlzero") + " inspect /nonexistent/run");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/run/rollouts.sqlite"), std::string::npos) << missing.err;
  auto help = RunCommand(BinPath("rlzero") + " inspect --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--across-steps"), std::string::npos);
}

TEST_F(InspectCliTest, ReportWritesOneBoundedSelfContainedPage) {
  std::string out = dir_->file("r.html");
  auto r = RunCommand(BinPath("rlzero") + " report " + dir_->path() + " -o " + out +
                      " --max-rollouts-per-step 5 --title 'My <run>'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto line = nlohmann::json::parse(r.out);
  EXPECT_EQ(line["report"], out);
  EXPECT_EQ(line["steps"], 3);
  EXPECT_EQ(line["rollouts"], 15);  // 3 steps x 5
  EXPECT_EQ(line["total_rollouts"], 36);
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string html = ss.str();
  EXPECT_EQ(line["bytes"], html.size());
  EXPECT_NE(html.find("<title>My &lt;run&gt;</title>"), std::string::npos);
  // Self-contained: nothing is fetched from elsewhere.
  for (const char* ref : {"src=\"http", "href=\"http", "<link ", "@import", "src=\"//"}) {
    EXPECT_EQ(html.find(ref), std::string::npos) << ref;
  }
  auto missing = RunCommand(BinPath("rlzero") + " report /nonexistent/run -o " + out);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/run"), std::string::npos);
  auto no_out = RunCommand(BinPath("rlzero") + " report " + dir_->path());
  EXPECT_EQ(no_out.exit_code, 2);
  auto unwritable =
      RunCommand(BinPath("rlzero") + " report " + dir_->path() + " -o /nonexistent/dir/r.html");
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_NE(unwritable.err.find("/nonexistent/dir/r.html"), std::string::npos);
}

TEST_F(InspectCliTest, ServePrintsItsUrlAndStopsOnSigterm) {
  // Start in the background, read the URL line, fetch nothing (the server
  // routes are covered by report_server_test), stop with SIGTERM.
  std::string log = dir_->file("serve.out");
  auto r = RunCommand("(" + BinPath("rlzero") + " serve " + dir_->path() + " --port 0 > " + log +
                      " 2>&1 & pid=$!; for i in $(seq 50); do grep -q url " + log +
                      " && break; sleep 0.1; done; kill -TERM $pid; wait $pid; echo rc=$?; cat " +
                      log + ")");
  EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("{\"url\":\"http://127.0.0.1:"), std::string::npos) << r.out;
  auto bad = RunCommand(BinPath("rlzero") + " serve " + dir_->path() + " --port 70000");
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(InspectCliTest, BenchRolloutStorePrintsBothMeasurements) {
  auto r =
      RunCommand(BinPath("rlzero") + " bench rollout-store --steps 2 --rows 4 --tokens 8 --dir " +
                 dir_->file("bench"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["bench"], "rollout-store");
  for (const char* side : {"store", "baseline_jsonl"}) {
    for (const char* k : {"rows_per_s", "caller_ms_per_step", "bytes", "query_step_ms"}) {
      EXPECT_TRUE(j[side].contains(k)) << side << "." << k;
    }
    EXPECT_GT(j[side]["bytes"].get<double>(), 0);
  }
}

}  // namespace
}  // namespace rlzero::inspect

namespace rlzero::inspect {
namespace {

// `rlzero plot`: overlays runs, writes an SVG, names a missing metric.
TEST(PlotCliTest, OverlaysRunsAndNamesAMissingMetric) {
  testing::ScratchDir a("plot_a"), b("plot_b"), out("plot_out");
  ASSERT_TRUE(testing::WriteFakeRun(a.path()).ok());
  testing::FakeRunOptions o;
  o.steps = 5;
  ASSERT_TRUE(testing::WriteFakeRun(b.path(), o).ok());
  auto r = RunCommand(BinPath("rlzero") + " plot " + a.path() + " " + b.path() +
                      " --metric accuracy --label 'seed 0' --label 'seed 1' --smooth 2 -o " +
                      out.file("acc.svg"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto line = nlohmann::json::parse(r.out);
  EXPECT_EQ(line["runs"], 2);
  EXPECT_EQ(line["points"], 3 + 5);
  std::ifstream in(out.file("acc.svg"));
  std::stringstream svg;
  svg << in.rdbuf();
  EXPECT_NE(svg.str().find("seed 1"), std::string::npos);
  EXPECT_NE(svg.str().find("</svg>"), std::string::npos);

  auto bad = RunCommand(BinPath("rlzero") + " plot " + a.path() + " --metric nope -o " +
                        out.file("x.svg"));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("nope"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("metrics.jsonl"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace rlzero::inspect
