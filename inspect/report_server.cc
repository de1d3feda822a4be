// inspect/report_server.cc
#include "inspect/report_server.h"

#include <httplib.h>

#include <thread>

#include "inspect/report_page.h"
#include "inspect/rollout_json.h"

namespace rlzero::inspect {

struct ReportServer::Impl {
  std::string run_dir;
  ReportOptions options;
  httplib::Server server;
  std::thread thread;
};

namespace {
void SendError(httplib::Response& res, const Status& st) {
  res.status = st.code() == StatusCode::kNotFound ? 404 : 500;
  res.set_content(DumpJson({{"error", st.message()}}), "application/json");
}
}  // namespace

ReportServer::ReportServer(std::string run_dir, ReportOptions options) : impl_(new Impl) {
  impl_->run_dir = std::move(run_dir);
  impl_->options = std::move(options);
  impl_->options.allow_empty = true;  // serve may start before the run writes
  Impl* impl = impl_.get();
  // httplib's default adds SO_REUSEPORT, which lets a second `rlzero serve`
  // silently share a busy port; keep only SO_REUSEADDR (quick restarts).
  impl->server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  impl->server.Get("/", [impl](const httplib::Request&, httplib::Response& res) {
    auto data = BuildReportData(impl->run_dir, impl->options);
    if (!data.ok()) return SendError(res, data.status());
    std::string title = impl->options.title.empty()
                            ? "rlzero report: " + (*data)["run"].get<std::string>() + " (live)"
                            : impl->options.title;
    res.set_header("Cache-Control", "no-store");
    res.set_content(RenderReportHtml(*data, title, /*live=*/true), "text/html; charset=utf-8");
  });
  impl->server.Get("/api/data", [impl](const httplib::Request&, httplib::Response& res) {
    auto data = BuildReportData(impl->run_dir, impl->options);
    if (!data.ok()) return SendError(res, data.status());
    res.set_header("Cache-Control", "no-store");
    res.set_content(DumpJson(*data), "application/json");
  });
  impl->server.Get("/api/version", [impl](const httplib::Request&, httplib::Response& res) {
    auto key = ReportVersionKey(impl->run_dir);
    if (!key.ok()) return SendError(res, key.status());
    res.set_header("Cache-Control", "no-store");
    res.set_content(DumpJson({{"key", *key}}), "application/json");
  });
}

ReportServer::~ReportServer() { Stop(); }

Status ReportServer::Start(const std::string& host, int port) {
  if (port < 0 || port > 65535)
    return InvalidArgument("serve: port " + std::to_string(port) + " out of range");
  int bound = port == 0 ? impl_->server.bind_to_any_port(host.c_str())
                        : (impl_->server.bind_to_port(host.c_str(), port) ? port : -1);
  if (bound < 0) {
    return Unavailable("serve: cannot bind " + host + ":" + std::to_string(port) +
                       " (in use, or not an address of this machine)");
  }
  port_ = bound;
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  return Status::Ok();
}

void ReportServer::Wait() {
  if (impl_->thread.joinable()) impl_->thread.join();
}

void ReportServer::Stop() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace rlzero::inspect
