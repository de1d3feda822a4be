// rpc/status_mapping.h: the one place where rlzero::Status and grpc::Status
// meet. Codes map one to one (StatusCode mirrors grpc::StatusCode).
#pragma once

#include <grpcpp/support/status.h>

#include "base/status.h"

namespace rlzero::rpc {

grpc::Status ToGrpcStatus(const Status& status);
Status FromGrpcStatus(const grpc::Status& status);

}  // namespace rlzero::rpc
