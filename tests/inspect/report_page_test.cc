// tests/inspect/report_page_test.cc: the report page's escaping (hostile
// completions cannot close the data <script> or inject markup), its data
// round trip, and the bounds of BuildReportData.
#include "inspect/report_page.h"

#include <gtest/gtest.h>

#include "inspect/metrics_sink.h"
#include "inspect/report_data.h"
#include "inspect/rollout_writer.h"
#include "tests/inspect/fake_run.h"
#include "tests/inspect/test_run_dir.h"

namespace rlzero::inspect {
namespace {

size_t CountOf(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// The text between the data script's tags.
std::string EmbeddedData(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"rlz-data\">";
  size_t a = html.find(open);
  EXPECT_NE(a, std::string::npos);
  a += open.size();
  size_t b = html.find("</script>", a);
  EXPECT_NE(b, std::string::npos);
  return html.substr(a, b - a);
}

TEST(ReportPageTest, EscapeJsonForScriptNeutralisesMarkupAndLineSeparators) {
  EXPECT_EQ(EscapeJsonForScript(R"({"a":"</script><b>&"})"),
            R"({"a":"\u003c/script\u003e\u003cb\u003e\u0026"})");
  EXPECT_EQ(EscapeJsonForScript("\"\xe2\x80\xa8\xe2\x80\xa9\""), "\"\\u2028\\u2029\"");
  EXPECT_EQ(EscapeJsonForScript("\"<!--\""), "\"\\u003c!--\"");
  EXPECT_EQ(EscapeJsonForScript("plain \xc3\xa9"), "plain \xc3\xa9");
}

TEST(ReportPageTest, HtmlEscapeCoversTheFiveSignificantCharacters) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(ReportPageTest, HostileDataCannotCloseTheScriptOrInjectMarkup) {
  nlohmann::json data = {
      {"rollouts", {{{"completion", "</script><script>alert(1)</script><!-- <img onerror=x>"}}}},
      {"prompts", {{"p", "</SCRIPT >\xe2\x80\xa8"}}},
      {"bad_utf8", std::string("\xff\xfe", 2)}};
  std::string empty = RenderReportHtml(nlohmann::json::object(), "t", false);
  std::string html = RenderReportHtml(data, "</title><script>x()</script>", false);
  // Exactly the template's own closing tags, whatever the data held.
  EXPECT_EQ(CountOf(html, "</script>"), CountOf(empty, "</script>"));
  EXPECT_EQ(CountOf(html, "<script"), CountOf(empty, "<script"));
  EXPECT_EQ(CountOf(html, "</title>"), 1u);
  EXPECT_NE(html.find("&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;"), std::string::npos);
  std::string embedded = EmbeddedData(html);
  EXPECT_EQ(embedded.find('<'), std::string::npos);
  EXPECT_EQ(embedded.find('>'), std::string::npos);
  // The page's JSON.parse sees the original strings again.
  auto back = nlohmann::json::parse(embedded);
  EXPECT_EQ(back["rollouts"][0]["completion"], data["rollouts"][0]["completion"]);
  EXPECT_EQ(back["prompts"]["p"], data["prompts"]["p"]);
  EXPECT_EQ(back["bad_utf8"], "\xef\xbf\xbd\xef\xbf\xbd");  // U+FFFD twice
}

TEST(ReportPageTest, PlaceholdersAreFilledOnceAndLiveIsAFlag) {
  std::string html = RenderReportHtml({{"x", "/*RLZ_LIVE*/false <!--RLZ_TITLE-->"}}, "T", true);
  EXPECT_EQ(html.find("/*RLZ_DATA*/"), std::string::npos);
  EXPECT_NE(html.find("const LIVE = true;"), std::string::npos);
  EXPECT_NE(html.find("<title>T</title>"), std::string::npos);
  // Data that looks like a placeholder stays data (escaped inside the JSON).
  EXPECT_NE(EmbeddedData(html).find("/*RLZ_LIVE*/false \\u003c!--RLZ_TITLE--\\u003e"),
            std::string::npos);
  EXPECT_NE(RenderReportHtml({}, "T", false).find("const LIVE = false;"), std::string::npos);
}

TEST(ReportDataTest, BoundsRolloutsPerStepAndSpreadsSteps) {
  testing::ScratchDir dir("reportdata");
  testing::FakeRunOptions o;
  o.steps = 5;
  o.prompts = 2;
  o.group = 3;
  ASSERT_TRUE(testing::WriteFakeRun(dir.path(), o).ok());
  ReportOptions opt;
  opt.max_rollouts_per_step = 4;
  opt.max_steps_with_rollouts = 3;
  auto data = BuildReportData(dir.path(), opt);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const auto& d = *data;
  EXPECT_EQ(d["summary"].size(), 5u);
  EXPECT_EQ(d["metrics"].size(), 5u);
  EXPECT_EQ(d["limits"]["total_rollouts"], 30);
  // Steps 1, 3, 5 (evenly spread: indexes 0, 2, 4), 4 rollouts each.
  std::map<int64_t, int> per_step;
  for (const auto& r : d["rollouts"]) {
    per_step[r["step"].get<int64_t>()]++;
    EXPECT_FALSE(r.contains("prompt"));  // deduplicated into "prompts"
    EXPECT_EQ(r["tokens"].size(), r["logprobs"].size());
  }
  EXPECT_EQ(per_step, (std::map<int64_t, int>{{1, 4}, {3, 4}, {5, 4}}));
  EXPECT_EQ(d["limits"]["included_rollouts"], 12);
  EXPECT_EQ(d["prompts"].size(), 2u);
  EXPECT_EQ(d["prompts"]["p0"],
            "What is 3 + 11? Think in <think></think>, answer in <answer></answer>.");
  EXPECT_DOUBLE_EQ(d["metrics"][1]["values"]["kl"].get<double>(), 0.004);  // 0.001 * 2^2
}

TEST(ReportDataTest, MetricsOnlyOrRolloutsOnlyRunsWorkAndEmptyDirsAreNotFound) {
  testing::ScratchDir dir("reportpartial");
  EXPECT_EQ(BuildReportData(dir.path(), {}).status().code(), StatusCode::kNotFound);
  {
    auto sink = RunMetricsSink::Open(dir.path());
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write(1, {{"loss", 1.0}}).ok());
  }
  auto metrics_only = BuildReportData(dir.path(), {});
  ASSERT_TRUE(metrics_only.ok()) << metrics_only.status().ToString();
  EXPECT_EQ((*metrics_only)["rollouts"].size(), 0u);
  EXPECT_EQ((*metrics_only)["metrics"].size(), 1u);

  testing::ScratchDir dir2("reportrollouts");
  testing::FakeRunOptions o;
  o.write_metrics = false;
  ASSERT_TRUE(testing::WriteFakeRun(dir2.path(), o).ok());
  auto rollouts_only = BuildReportData(dir2.path(), {});
  ASSERT_TRUE(rollouts_only.ok());
  EXPECT_EQ((*rollouts_only)["metrics"].size(), 0u);
  EXPECT_EQ((*rollouts_only)["rollouts"].size(), 36u);
}

TEST(ReportDataTest, VersionKeyChangesWhenRowsOrMetricsLand) {
  testing::ScratchDir dir("reportversion");
  ASSERT_TRUE(testing::WriteFakeRun(dir.path()).ok());
  auto k1 = ReportVersionKey(dir.path());
  ASSERT_TRUE(k1.ok());
  {
    auto w = RolloutWriter::Open(RolloutStorePath(dir.path()));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteStep({testing::MakeRollout(4, "p0", 0, 1, true)}).ok());
  }
  auto k2 = ReportVersionKey(dir.path());
  ASSERT_TRUE(k2.ok());
  EXPECT_NE(*k1, *k2);
  {
    auto sink = RunMetricsSink::Open(dir.path());
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write(4, {{"loss", 0.1}}).ok());
  }
  EXPECT_NE(*ReportVersionKey(dir.path()), *k2);
}

}  // namespace
}  // namespace rlzero::inspect
