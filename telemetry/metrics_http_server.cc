// telemetry/metrics_http_server.cc: /metrics over cpp-httplib (see header).
#include "telemetry/metrics_http_server.h"

#include <httplib.h>

#include <cstdio>

namespace rlzero::telemetry {

struct MetricsHttpServer::Impl {
  httplib::Server server;
};

MetricsHttpServer::MetricsHttpServer(MetricsRegistry* registry) : registry_(registry) {}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

Status ParseHttpListenAddress(const std::string& listen, std::string* host, int* port) {
  std::string port_text = listen;
  *host = "127.0.0.1";
  const size_t colon = listen.rfind(':');
  if (colon != std::string::npos) {
    std::string h = listen.substr(0, colon);
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    if (!h.empty()) *host = h;
    port_text = listen.substr(colon + 1);
  }
  const bool digits = !port_text.empty() && port_text.size() <= 5 &&
                      port_text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoi(port_text) > 65535) {
    return InvalidArgument("metrics listen address '" + listen +
                           "': expected PORT, :PORT or HOST:PORT");
  }
  *port = std::stoi(port_text);
  return Status::Ok();
}

StatusOr<std::string> MetricsHttpServer::Start(const std::string& listen) {
  std::string host;
  int port = 0;
  if (Status s = ParseHttpListenAddress(listen, &host, &port); !s.ok()) return s;
  impl_ = std::make_unique<Impl>();
  MetricsRegistry* registry = registry_;
  impl_->server.Get("/metrics", [registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  if (port == 0) {
    port = impl_->server.bind_to_any_port(host);
  } else if (!impl_->server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    impl_.reset();
    return Unavailable("metrics: cannot listen on " + host + ":" + std::to_string(port) +
                       " (given '" + listen + "')");
  }
  port_ = port;
  Impl* impl = impl_.get();
  thread_ = std::thread([impl] { impl->server.listen_after_bind(); });
  const std::string bound = host + ":" + std::to_string(port);
  std::fprintf(stderr, "[metrics] serving http://%s/metrics\n", bound.c_str());
  return bound;
}

void MetricsHttpServer::Stop() {
  if (impl_) impl_->server.stop();
  if (thread_.joinable()) thread_.join();
  impl_.reset();
}

}  // namespace rlzero::telemetry
