// rewards/exec_plugin.cc: process management and the poll loop that writes
// a batch while reading answers (so neither side can block the other).
#include "rewards/exec_plugin.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

namespace rlzero::rewards {

using verifiers::Deadline;
using verifiers::VerifyResult;

ExecPlugin::ExecPlugin(std::string command, std::string task, Json options, size_t max_line_bytes)
    : command_(std::move(command)),
      task_(std::move(task)),
      options_(std::move(options)),
      max_line_bytes_(max_line_bytes) {}

ExecPlugin::~ExecPlugin() {
  std::lock_guard<std::mutex> lock(mu_);
  StopLocked(/*graceful=*/true);
}

int ExecPlugin::starts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return starts_;
}

Status ExecPlugin::StartLocked() const {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return Internal(std::string("exec plugin: socketpair: ") + std::strerror(errno));
  // Everything the child needs is prepared before fork (only async-signal-safe
  // calls between fork and exec: the parent may have other threads).
  const char* argv[] = {"/bin/sh", "-c", command_.c_str(), nullptr};
  pid_t pid = fork();
  if (pid < 0) {
    close(sv[0]);
    close(sv[1]);
    return Internal(std::string("exec plugin: fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    setpgid(0, 0);
    dup2(sv[1], 0);  // dup2 clears close-on-exec on 0 and 1
    dup2(sv[1], 1);
    execv("/bin/sh", const_cast<char* const*>(argv));
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent, so a kill right away hits the group
  close(sv[1]);
  fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  pid_ = pid;
  fd_ = sv[0];
  ++starts_;
  return Status::Ok();
}

void ExecPlugin::StopLocked(bool graceful) const {
  if (pid_ <= 0) return;
  if (graceful && fd_ >= 0) {
    shutdown(fd_, SHUT_WR);  // EOF on the plugin's stdin
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(4));
    }
  }
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

StatusOr<VerifyResult> ParsePluginResponse(const std::string& line, int64_t expected_id) {
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return DataLoss("exec plugin: response is not a JSON object: " + line.substr(0, 200));
  if (j.contains("id") && !(j["id"].is_number_integer() && j["id"].get<int64_t>() == expected_id))
    return DataLoss("exec plugin: response id " + j["id"].dump() + " != request id " +
                    std::to_string(expected_id) + " (answers must come in request order)");
  if (j.contains("error") && j["error"].is_string() && !j["error"].get<std::string>().empty())
    return Internal("exec plugin: " + j["error"].get<std::string>());
  if (!j.contains("score") || !j["score"].is_number())
    return DataLoss("exec plugin: response lacks a numeric 'score': " + line.substr(0, 200));
  VerifyResult r;
  r.score = j["score"].get<double>();
  if (!std::isfinite(r.score)) return DataLoss("exec plugin: score is not finite");
  if (j.contains("correct") && j["correct"].is_boolean()) r.correct = j["correct"].get<bool>();
  if (j.contains("extracted") && j["extracted"].is_string()) r.extracted = j["extracted"];
  if (j.contains("reason") && j["reason"].is_string()) r.reason = j["reason"];
  return r;
}

StatusOr<VerifyResult> ExecPlugin::Verify(const Json& sample, const Deadline& deadline) const {
  return VerifyBatch({sample}, deadline)[0];
}

std::vector<StatusOr<VerifyResult>> ExecPlugin::VerifyBatch(const std::vector<Json>& samples,
                                                            const Deadline& deadline) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StatusOr<VerifyResult>> out;
  auto fail_rest = [&](const Status& s) {
    while (out.size() < samples.size()) out.push_back(s);
  };
  if (samples.empty()) return out;
  // A plugin that died since the last call is restarted now.
  if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == pid_) {
    pid_ = -1;  // reaped: only the socket is left to close
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  if (pid_ <= 0) {
    Status st = StartLocked();
    if (!st.ok()) {
      fail_rest(st);
      return out;
    }
  }
  int64_t first_id = next_id_;
  std::string pending;
  for (const Json& s : samples) {
    Json req = {{"id", next_id_++}, {"task", task_}, {"sample", s}};
    if (!options_.is_null()) req["options"] = options_;
    pending += req.dump(-1, ' ', false, Json::error_handler_t::replace);
    pending += '\n';
  }
  size_t written = 0;
  std::string inbuf;
  Status failure;
  while (out.size() < samples.size()) {
    int64_t left = deadline.RemainingMs();
    if (left <= 0) {
      failure = DeadlineExceeded("exec plugin '" + command_ + "': no answer before the deadline (" +
                                 std::to_string(out.size()) + "/" + std::to_string(samples.size()) +
                                 " answered)");
      break;
    }
    pollfd p{fd_, static_cast<short>(POLLIN | (written < pending.size() ? POLLOUT : 0)), 0};
    int rc = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (rc < 0 && errno != EINTR) {
      failure = Internal(std::string("exec plugin: poll: ") + std::strerror(errno));
      break;
    }
    if (rc <= 0) continue;
    if ((p.revents & POLLOUT) && written < pending.size()) {
      ssize_t n = send(fd_, pending.data() + written, pending.size() - written, MSG_NOSIGNAL);
      if (n > 0)
        written += static_cast<size_t>(n);
      else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        failure =
            Unavailable("exec plugin '" + command_ + "' closed its stdin: " + std::strerror(errno));
        break;
      }
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[65536];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        failure =
            Unavailable("exec plugin '" + command_ + "' exited (" + std::to_string(out.size()) +
                        "/" + std::to_string(samples.size()) + " answered)");
        break;
      }
      if (n > 0) inbuf.append(buf, static_cast<size_t>(n));
      size_t nl;
      while (out.size() < samples.size() && (nl = inbuf.find('\n')) != std::string::npos) {
        std::string line = inbuf.substr(0, nl);
        inbuf.erase(0, nl + 1);
        if (line.empty() || line == "\r") continue;
        out.push_back(ParsePluginResponse(line, first_id + static_cast<int64_t>(out.size())));
        if (!out.back().ok() && out.back().status().code() == StatusCode::kDataLoss) {
          failure = out.back().status();  // the stream is out of step: restart
          break;
        }
      }
      if (!failure.ok()) break;
      if (inbuf.size() > max_line_bytes_) {
        failure = DataLoss("exec plugin: response line over " + std::to_string(max_line_bytes_) +
                           " bytes");
        break;
      }
    }
  }
  if (!failure.ok()) {
    fail_rest(failure);
    StopLocked(false);
  } else if (!inbuf.empty() && inbuf.find_first_not_of(" \r\n") != std::string::npos) {
    // Extra output beyond the answers means the plugin is out of step.
    StopLocked(false);
  }
  return out;
}

}  // namespace rlzero::rewards
