// tests/inspect/report_server_test.cc: ReportServer over loopback with
// cpp-httplib's client: routes, live refresh as new steps land, errors.
#include "inspect/report_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "inspect/rollout_writer.h"
#include "tests/inspect/fake_run.h"
#include "tests/inspect/test_run_dir.h"

namespace rlzero::inspect {
namespace {

TEST(ReportServerTest, ServesPageDataAndVersionAndSeesNewSteps) {
  testing::ScratchDir dir("server");
  ASSERT_TRUE(testing::WriteFakeRun(dir.path()).ok());
  ReportServer server(dir.path(), {});
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());

  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("const LIVE = true;"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);

  auto v1 = client.Get("/api/version");
  ASSERT_TRUE(v1);
  std::string key1 = nlohmann::json::parse(v1->body)["key"];
  auto d1 = client.Get("/api/data");
  ASSERT_TRUE(d1);
  EXPECT_EQ(nlohmann::json::parse(d1->body)["summary"].size(), 3u);

  {  // A training step lands.
    auto w = RolloutWriter::Open(RolloutStorePath(dir.path()));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteStep({testing::MakeRollout(4, "p0", 0, 1, true)}).ok());
  }
  auto v2 = client.Get("/api/version");
  ASSERT_TRUE(v2);
  EXPECT_NE(nlohmann::json::parse(v2->body)["key"], key1);
  auto d2 = client.Get("/api/data");
  ASSERT_TRUE(d2);
  auto data = nlohmann::json::parse(d2->body);
  EXPECT_EQ(data["summary"].size(), 4u);
  EXPECT_EQ(data["summary"][3]["step"], 4);

  auto missing = client.Get("/etc/passwd");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  server.Stop();
}

TEST(ReportServerTest, ReportsABusyPortServesAnEmptyRunAndNamesACorruptStore) {
  testing::ScratchDir dir("server2");
  ReportServer a(dir.path(), {});
  ASSERT_TRUE(a.Start("127.0.0.1", 0).ok());
  ReportServer b(dir.path(), {});
  Status st = b.Start("127.0.0.1", a.port());
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find(std::to_string(a.port())), std::string::npos);
  httplib::Client client("127.0.0.1", a.port());
  // Empty dir (the run has not written yet): an empty page, not an error.
  auto res = client.Get("/api/data");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto data = nlohmann::json::parse(res->body);
  EXPECT_EQ(data["rollouts"].size(), 0u);
  EXPECT_EQ(data["metrics"].size(), 0u);
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  // A corrupt store is a 500 naming the file.
  {
    FILE* f = std::fopen(dir.file("rollouts.sqlite").c_str(), "w");
    std::fputs("not a database, just some text that is long enough to look like a file", f);
    std::fclose(f);
  }
  auto bad = client.Get("/api/data");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 500);
  EXPECT_NE(bad->body.find("rollouts.sqlite"), std::string::npos) << bad->body;
}

}  // namespace
}  // namespace rlzero::inspect
