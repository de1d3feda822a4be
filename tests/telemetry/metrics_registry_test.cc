// tests/telemetry/metrics_registry_test.cc: the Prometheus text exposition of
// counters, gauges and histograms (golden text written from the format's
// spec), label escaping, and the HTTP endpoint (bind, /metrics, 404, bad address).
#include "telemetry/metrics_registry.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "telemetry/metrics_http_server.h"

namespace rlzero::telemetry {
namespace {

TEST(MetricsRegistryTest, RendersCountersGaugesAndHistograms) {
  MetricsRegistry r;
  r.GetCounter("rpc_total", "RPCs", {{"method", "/a.B/C"}, {"code", "OK"}})->Increment(2);
  r.GetCounter("rpc_total", "RPCs", {{"method", "/a.B/C"}, {"code", "OK"}})->Increment();
  r.GetGauge("depth", "queue \"depth\"\nnow")->Set(-1.5);
  Histogram* h = r.GetHistogram("lat_seconds", "latency", {0.1, 1}, {{"m", "x"}});
  h->Observe(0.05);
  h->Observe(0.1);  // le is inclusive
  h->Observe(3);
  EXPECT_EQ(r.Render(),
            "# HELP depth queue \"depth\"\\nnow\n"
            "# TYPE depth gauge\n"
            "depth -1.5\n"
            "# HELP lat_seconds latency\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{m=\"x\",le=\"0.10000000000000001\"} 2\n"
            "lat_seconds_bucket{m=\"x\",le=\"1\"} 2\n"
            "lat_seconds_bucket{m=\"x\",le=\"+Inf\"} 3\n"
            "lat_seconds_sum{m=\"x\"} 3.1499999999999999\n"
            "lat_seconds_count{m=\"x\"} 3\n"
            "# HELP rpc_total RPCs\n"
            "# TYPE rpc_total counter\n"
            "rpc_total{code=\"OK\",method=\"/a.B/C\"} 3\n");
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndIgnoresNegativeCounterAdds) {
  MetricsRegistry r;
  Counter* c = r.GetCounter("c_total", "c", {{"v", "a\"b\\c\nd"}});
  c->Increment(-5);
  EXPECT_EQ(c->value(), 0);
  EXPECT_NE(r.Render().find("c_total{v=\"a\\\"b\\\\c\\nd\"} 0\n"), std::string::npos) << r.Render();
}

TEST(MetricsHttpServerTest, ServesMetricsOnLoopbackAnd404Elsewhere) {
  MetricsRegistry r;
  r.GetCounter("hits_total", "hits")->Increment(7);
  MetricsHttpServer server(&r);
  auto bound = server.Start("0");
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(bound->rfind("127.0.0.1:", 0), 0u) << *bound;
  httplib::Client client("127.0.0.1", server.port());
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Content-Type").find("text/plain; version=0.0.4"),
            std::string::npos);
  EXPECT_NE(res->body.find("hits_total 7\n"), std::string::npos) << res->body;
  auto other = client.Get("/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  server.Stop();
}

TEST(MetricsHttpServerTest, BadAddressIsAnErrorNamingIt) {
  MetricsHttpServer server;
  auto bound = server.Start("localhost:http");
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bound.status().message().find("localhost:http"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::telemetry
