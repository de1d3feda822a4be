// tests/inspect/report_browser_test.cc: the report in a real browser. Loads
// `rlzero report`'s page (and the live page of ReportServer) in Debian's
// headless Chromium with --dump-dom, and checks the rendered DOM: charts and
// rollout rows exist, a filter taken from the URL hash narrows the rows, the
// heatmap and the side-by-side render, the hostile completion stays text,
// and Chromium logged no console message at all. Skipped only when chromium
// is not installed (scripts/setup installs it).
#include <gtest/gtest.h>
#include <httplib.h>

#include <regex>
#include <thread>

#include "inspect/report_data.h"
#include "inspect/report_page.h"
#include "inspect/report_server.h"
#include "inspect/rollout_json.h"
#include "tests/inspect/fake_run.h"
#include "tests/inspect/test_run_dir.h"
#include "tests/support/subprocess.h"

namespace rlzero::inspect {
namespace {

using rlzero::testing::BinPath;
using rlzero::testing::RunCommand;

size_t CountOf(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

class ReportBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RunCommand("command -v chromium >/dev/null 2>&1").exit_code != 0) {
      GTEST_SKIP() << "chromium is not installed (scripts/setup installs it)";
    }
  }
  static void SetUpTestSuite() {
    dir_ = new testing::ScratchDir("browser");
    ASSERT_TRUE(testing::WriteFakeRun(dir_->path()).ok());
    auto r = RunCommand(BinPath("rlzero") + " report " + dir_->path() + " -o " +
                        dir_->file("report.html"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }

  struct Page {
    std::string dom;
    std::string log;
  };
  // Loads url headless; returns the DOM after load and Chromium's log.
  Page Load(const std::string& url, const std::string& extra_flags = "") {
    std::string profile = dir_->file("chromium-profile");
    auto r = RunCommand(
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        "--disable-dev-shm-usage "
        "--user-data-dir=" +
        profile + " --enable-logging=stderr --v=0 " + extra_flags + " --dump-dom '" + url + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {r.out, r.err};
  }
  void ExpectCleanRender(const Page& p) {
    EXPECT_NE(p.dom.find("data-rendered=\"1\""), std::string::npos) << "page script did not finish";
    EXPECT_NE(p.dom.find("<div id=\"js-errors\" hidden=\"\"></div>"), std::string::npos)
        << "page caught a script error";
    // Every console message (errors included) shows up as "...:CONSOLE...".
    EXPECT_EQ(p.log.find(":CONSOLE"), std::string::npos) << p.log;
    EXPECT_EQ(p.dom.find("data-pwned=\"yes\""), std::string::npos) << "hostile completion executed";
  }
  static testing::ScratchDir* dir_;
};
testing::ScratchDir* ReportBrowserTest::dir_ = nullptr;

TEST_F(ReportBrowserTest, RendersChartsRolloutsHeatmapAndSideBySide) {
  Page p = Load("file://" + dir_->file("report.html"));
  ExpectCleanRender(p);
  // metrics.jsonl has 11 keys in 9 groups: reward, accuracy, response_length, kl, ...
  EXPECT_GE(CountOf(p.dom, "class=\"chart\""), 3u);
  EXPECT_NE(p.dom.find("data-chart=\"reward\""), std::string::npos);
  EXPECT_NE(p.dom.find("data-chart=\"kl\""), std::string::npos);
  EXPECT_GE(CountOf(p.dom, "class=\"series\""), 9u);
  EXPECT_EQ(CountOf(p.dom, "class=\"rollout-row"), 36u);  // 3 steps x 3 prompts x 4
  EXPECT_NE(p.dom.find("36 of 36 rollouts"), std::string::npos);
  EXPECT_NE(p.dom.find("id=\"heatmap\""), std::string::npos);
  EXPECT_GT(CountOf(p.dom, "class=\"tok\""), 10u);
  EXPECT_EQ(CountOf(p.dom, "class=\"cmp-col\""), 3u);  // one column per step
  EXPECT_NE(p.dom.find("&lt;think&gt;3 plus 11 is 14&lt;/think&gt;"), std::string::npos);
}

TEST_F(ReportBrowserTest, FilterFromTheUrlHashNarrowsTheList) {
  Page p = Load("file://" + dir_->file("report.html") + "#grep=onerror");
  ExpectCleanRender(p);
  EXPECT_EQ(CountOf(p.dom, "class=\"rollout-row"), 1u);
  EXPECT_NE(p.dom.find("1 of 36 rollouts"), std::string::npos);
  // The hostile completion is shown as text, not executed.
  EXPECT_NE(p.dom.find("&lt;/script&gt;&lt;script&gt;document.body.setAttribute"),
            std::string::npos);

  // Values are URL-decoded after splitting on '&': "</script>" encoded.
  Page enc = Load("file://" + dir_->file("report.html") + "#grep=%3C%2Fscript%3E%3Cscript%3E");
  ExpectCleanRender(enc);
  EXPECT_EQ(CountOf(enc.dom, "class=\"rollout-row"), 1u);
  // A malformed escape is ignored, not a script error.
  Page bad = Load("file://" + dir_->file("report.html") + "#grep=%E0%A4%A&step=3");
  ExpectCleanRender(bad);
  EXPECT_EQ(CountOf(bad.dom, "class=\"rollout-row"), 12u);

  Page q = Load("file://" + dir_->file("report.html") + "#step=1&correct=false");
  ExpectCleanRender(q);
  EXPECT_EQ(CountOf(q.dom, "class=\"rollout-row"), 4u);  // (p + k + 1) % 3 == 0
  std::regex wrong_row("<tr class=\"rollout-row[^\"]*\" data-id=\"\\d+\"><td>\\d+</td><td>1</td>");
  auto begin = std::sregex_iterator(q.dom.begin(), q.dom.end(), wrong_row);
  EXPECT_EQ(std::distance(begin, std::sregex_iterator()), 4);
}

TEST_F(ReportBrowserTest, LivePageFromTheServerRenders) {
  ReportServer server(dir_->path(), {});
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  Page p = Load("http://127.0.0.1:" + std::to_string(server.port()) + "/#step=2");
  server.Stop();
  ExpectCleanRender(p);
  EXPECT_EQ(CountOf(p.dom, "class=\"rollout-row"), 12u);
  EXPECT_NE(p.dom.find("<span class=\"live\" id=\"live-badge\">live</span>"), std::string::npos);

  // Started before the run wrote anything: an empty page, still clean.
  testing::ScratchDir empty("browser_empty");
  ReportServer early(empty.path(), {});
  ASSERT_TRUE(early.Start("127.0.0.1", 0).ok());
  Page e = Load("http://127.0.0.1:" + std::to_string(early.port()) + "/");
  early.Stop();
  ExpectCleanRender(e);
  EXPECT_NE(e.dom.find("0 of 0 rollouts"), std::string::npos);
  EXPECT_NE(e.dom.find("no metrics yet"), std::string::npos);
}

TEST_F(ReportBrowserTest, LivePageReloadsWhenTheVersionChanges) {
  // The page embeds a 3-step run; the "server" already has a 4-step one. The
  // page's poll (every 2 s, virtual time) must see the new version key, fetch
  // api/data and re-render with 4 x 12 rollouts.
  testing::ScratchDir newer("browser_newer");
  testing::FakeRunOptions o;
  o.steps = 4;
  ASSERT_TRUE(testing::WriteFakeRun(newer.path(), o).ok());
  auto old_data = BuildReportData(dir_->path(), {});
  auto new_data = BuildReportData(newer.path(), {});
  ASSERT_TRUE(old_data.ok() && new_data.ok());
  ASSERT_NE((*old_data)["version"]["key"], (*new_data)["version"]["key"]);
  std::string page = RenderReportHtml(*old_data, "live", /*live=*/true);
  httplib::Server srv;
  srv.Get("/", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(page, "text/html");
  });
  srv.Get("/api/version", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(DumpJson((*new_data)["version"]), "application/json");
  });
  srv.Get("/api/data", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(DumpJson(*new_data), "application/json");
  });
  int port = srv.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread t([&] { srv.listen_after_bind(); });
  Page p = Load("http://127.0.0.1:" + std::to_string(port) + "/", "--virtual-time-budget=10000");
  srv.stop();
  t.join();
  ExpectCleanRender(p);
  EXPECT_NE(p.dom.find("48 of 48 rollouts"), std::string::npos);
  EXPECT_EQ(CountOf(p.dom, "class=\"rollout-row"), 48u);
  EXPECT_EQ(CountOf(p.dom, "class=\"cmp-col\""), 4u);
}

}  // namespace
}  // namespace rlzero::inspect
