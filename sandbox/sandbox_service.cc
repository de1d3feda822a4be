// sandbox/sandbox_service.cc: SandboxService adapter (see sandbox_service.h).
#include "sandbox/sandbox_service.h"

#include "rpc/status_mapping.h"

namespace rlzero::sandbox {

grpc::Status SandboxServiceImpl::Run(grpc::ServerContext* context,
                                     const rlzero::v1::SandboxRunRequest* in,
                                     rlzero::v1::SandboxRunResponse* out) {
  if (grpc::Status st = auth_.Check(*context); !st.ok()) return st;
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
  if (!r.ok()) return rpc::ToGrpcStatus(r.status());
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

StatusOr<SandboxServer> StartSandboxServer(const rpc::ServerOptions& options, Sandbox* sandbox) {
  RLZ_ASSIGN_OR_RETURN(rpc::TokenAuth auth, rpc::LoadServerAuth(options));
  SandboxServer s;
  s.service = std::make_unique<SandboxServiceImpl>(sandbox, auth);
  s.runner = std::make_unique<rpc::ServerRunner>();
  RLZ_ASSIGN_OR_RETURN(s.address, s.runner->Start(options, {s.service.get()}));
  return s;
}

}  // namespace rlzero::sandbox
