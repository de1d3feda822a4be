// inspect/report_server.h: serves a run's report live over HTTP while it
// trains (`rlzero serve`).
//
// Routes (GET only):
//   /              the report page (report_page.html) in live mode
//   /api/data      the BuildReportData JSON, rebuilt from the run dir per request
//   /api/version   {"key": ...}: changes when rollouts or metrics land; the
//                  page polls it every 2 s and reloads /api/data on change
// Anything else is 404. A run dir with nothing in it yet (or not created
// yet) serves an empty page that fills in as the run writes. Errors reading
// the run dir are 500 with a JSON {"error": message}. Binds 127.0.0.1 unless told otherwise; port 0
// picks a free port (port() tells which). Non-goals: authentication, TLS, writes. Thread safety:
// Start/Stop from one thread; requests are served on the server's own threads, each reading the run
// dir with its own store handle.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "inspect/report_data.h"

namespace rlzero::inspect {

class ReportServer {
 public:
  ReportServer(std::string run_dir, ReportOptions options);
  ~ReportServer();
  // Binds and starts serving on a background thread.
  Status Start(const std::string& host, int port);
  // Blocks until Stop() (from another thread or a signal handler path).
  void Wait();
  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace rlzero::inspect
