// rewards/grpc_status.h: the one place where rlzero::Status and grpc::Status
// are mapped to each other (the codes are the same numbers by design).
// Thread safety: pure functions.
#pragma once

#include <grpcpp/support/status.h>

#include "base/status.h"

namespace rlzero::rewards {

inline grpc::Status ToGrpcStatus(const Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(static_cast<int>(s.code())), s.message());
}

inline Status FromGrpcStatus(const grpc::Status& s, const std::string& where) {
  if (s.ok()) return Status::Ok();
  return Status(static_cast<StatusCode>(static_cast<int>(s.error_code())),
                where + ": " + s.error_message());
}

}  // namespace rlzero::rewards
