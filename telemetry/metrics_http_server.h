// telemetry/metrics_http_server.h: an optional HTTP endpoint serving
// GET /metrics (the process MetricsRegistry in Prometheus text format) on its
// own thread, for every role's `--metrics-listen ADDR`.
//
// Contract: Start binds synchronously and returns the bound "host:port" (port
// 0 picks one) or an error naming the address (INVALID_ARGUMENT for a
// malformed one, UNAVAILABLE when the bind fails). "PORT" and ":PORT" mean
// 127.0.0.1:PORT (loopback unless a host is written out). /metrics carries no
// auth token on purpose: it exposes counters only, no prompts, weights or
// tokens; keep it on loopback or a private network. Other paths are 404.
// Non-goals: TLS, auth, push gateways.
// Thread safety: Start/Stop from one thread; the destructor stops.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "base/status.h"
#include "telemetry/metrics_registry.h"

namespace rlzero::telemetry {

class MetricsHttpServer {
 public:
  explicit MetricsHttpServer(MetricsRegistry* registry = &ProcessMetrics());
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  StatusOr<std::string> Start(const std::string& listen);
  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  MetricsRegistry* registry_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
};

// Splits "PORT", ":PORT", "HOST:PORT" or "[V6]:PORT" into host and port
// (loopback default). INVALID_ARGUMENT naming the text otherwise.
Status ParseHttpListenAddress(const std::string& listen, std::string* host, int* port);

}  // namespace rlzero::telemetry
