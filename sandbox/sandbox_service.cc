// sandbox/sandbox_service.cc: SandboxService adapter (see sandbox_service.h).
#include "sandbox/sandbox_service.h"

namespace rlzero::sandbox {

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(static_cast<int>(status.code())),
                      status.message());
}

grpc::Status SandboxServiceImpl::Run(grpc::ServerContext*, const rlzero::v1::SandboxRunRequest* in,
                                     rlzero::v1::SandboxRunResponse* out) {
  if (in->language().empty())
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "SandboxRunRequest.language: empty");
  for (auto [name, value] : {std::pair<const char*, int64_t>{"time_limit_ms", in->time_limit_ms()},
                             {"memory_limit_mb", in->memory_limit_mb()},
                             {"output_limit_kb", in->output_limit_kb()}})
    if (value < 0)
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          std::string("SandboxRunRequest.") + name + ": negative");
  RunRequest req;
  req.language = in->language();
  req.source = in->source();
  req.stdin_data = in->stdin();
  if (in->time_limit_ms() > 0) req.time_limit_ms = in->time_limit_ms();
  if (in->memory_limit_mb() > 0) req.memory_limit_mb = in->memory_limit_mb();
  if (in->output_limit_kb() > 0) req.output_limit_kb = in->output_limit_kb();
  StatusOr<RunResult> r = sandbox_->Run(req);
  if (!r.ok()) return ToGrpcStatus(r.status());
  out->set_status(RunStatusName(r->status));
  out->set_exit_code(r->exit_code);
  out->set_signal(r->signal);
  out->set_stdout(r->stdout_data);
  out->set_stderr(r->stderr_data);
  out->set_wall_ms(r->wall_ms);
  out->set_cpu_ms(r->cpu_ms);
  out->set_max_rss_kb(r->max_rss_kb);
  out->set_error(r->error);
  out->set_isolated(r->isolated);
  return grpc::Status::OK;
}

StatusOr<SandboxServer> StartSandboxServer(const std::string& address, Sandbox* sandbox,
                                           int max_message_bytes) {
  SandboxServer s;
  s.service = std::make_unique<SandboxServiceImpl>(sandbox);
  grpc::ServerBuilder b;
  b.AddListeningPort(address, grpc::InsecureServerCredentials(), &s.port);
  b.RegisterService(s.service.get());
  b.SetMaxReceiveMessageSize(max_message_bytes);
  b.SetMaxSendMessageSize(max_message_bytes);
  s.server = b.BuildAndStart();
  if (!s.server) return Unavailable("sandbox-server: cannot listen on " + address);
  return s;
}

}  // namespace rlzero::sandbox
