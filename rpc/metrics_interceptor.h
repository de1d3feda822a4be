// rpc/metrics_interceptor.h: a gRPC server interceptor that records, per
// method, every handled RPC in the process MetricsRegistry
// (telemetry/metrics_registry.h):
//   rlzero_rpc_server_handled_total{role, method, code}   counter
//   rlzero_rpc_server_latency_seconds{role, method}       histogram (receipt of
//                                                          the call -> status sent)
// ServerRunner installs it on every server, so all roles report the same way.
// Thread safety: one interceptor object per RPC (gRPC's rule); the registry
// is thread-safe.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

namespace rlzero::rpc {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeMetricsInterceptorFactory(std::string role);

}  // namespace rlzero::rpc
