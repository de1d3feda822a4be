// tests/telemetry/metrics_endpoint_test.cc: a real `rlzero verifier-server
// --metrics-listen 0` process: one Verify RPC through the gRPC client, then a
// scrape of /metrics over HTTP shows the exposition format and the RPC's
// per-method counter and latency histogram.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "rewards/grpc_plugin.h"
#include "tests/support/subprocess.h"

namespace rlzero {
namespace {

using rlzero::testing::BinPath;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(MetricsEndpointTest, VerifierServerCountsTheRpcOnMetrics) {
  const std::string log = ::testing::TempDir() + "/metrics_endpoint_" + std::to_string(getpid());
  const std::string pid_file = log + ".pid";
  auto started = rlzero::testing::RunCommand(
      BinPath("rlzero") + " verifier-server --listen 127.0.0.1:0 --no-auth --metrics-listen 0 2> " +
      log + " & echo $! > " + pid_file);
  ASSERT_EQ(started.exit_code, 0);
  std::smatch grpc_m, metrics_m;
  std::string err;
  for (int i = 0; i < 300; ++i) {
    err = ReadAll(log);
    if (std::regex_search(err, metrics_m, std::regex(R"(metrics on http://127\.0\.0\.1:(\d+))")))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const int pid = std::stoi(ReadAll(pid_file));
  ASSERT_FALSE(metrics_m.empty()) << err;
  const int metrics_port = std::stoi(metrics_m[1]);
  ASSERT_TRUE(std::regex_search(err, grpc_m, std::regex(R"(listening on (127\.0\.0\.1:\d+))")))
      << err;
  const std::string grpc_address = grpc_m[1];

  httplib::Client client("127.0.0.1", metrics_port);
  auto before = client.Get("/metrics");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);
  EXPECT_EQ(before->body.find("method=\"/rlzero.v1.VerifierService/Verify\""), std::string::npos);

  rewards::GrpcPlugin plugin(grpc_address, "math");
  auto r = plugin.Verify(Json{{"response", "<answer>2</answer>"}, {"answer", "2"}},
                         verifiers::Deadline::In(10000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  auto after = client.Get("/metrics");
  ASSERT_TRUE(after);
  const std::string& body = after->body;
  EXPECT_NE(after->get_header_value("Content-Type").find("text/plain; version=0.0.4"),
            std::string::npos);
  EXPECT_NE(body.find("# TYPE rlzero_rpc_server_handled_total counter\n"), std::string::npos)
      << body;
  EXPECT_NE(body.find("rlzero_rpc_server_handled_total{code=\"OK\",method=\"/"
                      "rlzero.v1.VerifierService/Verify\",role=\"verifier-server\"} 1\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("# TYPE rlzero_rpc_server_latency_seconds histogram\n"), std::string::npos);
  EXPECT_NE(body.find("rlzero_rpc_server_latency_seconds_count{method=\"/"
                      "rlzero.v1.VerifierService/Verify\",role=\"verifier-server\"} 1\n"),
            std::string::npos)
      << body;
  // Every sample line is `name{labels} value` or `name value`.
  std::istringstream lines(body);
  std::string line;
  const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+$)");
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
  }
  kill(pid, SIGTERM);
}

}  // namespace
}  // namespace rlzero
