// rewards/exec_plugin.h: a reward plugin that is any command reading request
// JSON lines on stdin and writing score JSON lines on stdout, kept alive
// across calls and fed one batch at a time.
//
// Protocol (one line each way per sample, answers in request order):
//   request:  {"id": 7, "task": "<task>", "sample": {...}, "options": {...}}
//   response: {"id": 7, "score": 0.5, "correct": false,
//              "extracted": "...", "reason": "...", "error": "..."}
// `score` is required (a finite number); `id`, if present, must echo the
// request's; `correct` defaults to false; a non-empty `error` makes that
// sample fail. The plugin must flush stdout after each line (or batch).
// Its stderr is passed through to ours.
//
// Lifecycle: started with /bin/sh -c COMMAND in its own process group on the
// first call; stdin and stdout are one Unix socketpair (no SIGPIPE: we send
// with MSG_NOSIGNAL). A batch that runs past its deadline, a malformed or
// oversized line, or the plugin's exit fails the batch's unanswered samples
// (DEADLINE_EXCEEDED / DATA_LOSS / UNAVAILABLE) and kills the plugin; the next
// call starts it again. The destructor closes its stdin, waits briefly, then
// kills the group.
// Thread safety: calls are serialised by an internal mutex (one plugin
// process answers one batch at a time).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "verifiers/verifier.h"

namespace rlzero::rewards {

class ExecPlugin : public verifiers::Verifier {
 public:
  // task: sent in every request; options: sent as "options" (null: omitted).
  ExecPlugin(std::string command, std::string task, Json options = Json(nullptr),
             size_t max_line_bytes = 16 << 20);
  ~ExecPlugin() override;
  ExecPlugin(const ExecPlugin&) = delete;
  ExecPlugin& operator=(const ExecPlugin&) = delete;

  StatusOr<verifiers::VerifyResult> Verify(const Json& sample,
                                           const verifiers::Deadline& deadline) const override;
  std::vector<StatusOr<verifiers::VerifyResult>> VerifyBatch(
      const std::vector<Json>& samples, const verifiers::Deadline& deadline) const override;

  // How many times the plugin process has been started (for tests and logs).
  int starts() const;

 private:
  Status StartLocked() const;
  void StopLocked(bool graceful) const;

  std::string command_;
  std::string task_;
  Json options_;
  size_t max_line_bytes_;
  mutable std::mutex mu_;
  mutable pid_t pid_ = -1;
  mutable int fd_ = -1;
  mutable int starts_ = 0;
  mutable int64_t next_id_ = 0;
};

// Parses one response line into a result; `expected_id` is checked if the
// line carries an id.
StatusOr<verifiers::VerifyResult> ParsePluginResponse(const std::string& line, int64_t expected_id);

}  // namespace rlzero::rewards
