// rollout/collective_weight_sender.cc
#include "rollout/collective_weight_sender.h"

#include <future>
#include <random>

#include "policy/model_io.h"
#include "rollout/collective_weight_receiver.h"
#include "rpc/channel.h"
#include "rpc/status_mapping.h"

namespace rlzero {
namespace {

// 128 random bits as 32 hex digits: the group's key prefix in the worker's
// store, known only to the two ends of the authenticated RPC.
std::string NewGroupId() {
  std::random_device rd;
  static const char* kHex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 4; ++i) {
    uint32_t r = rd();
    for (int j = 0; j < 8; ++j, r >>= 4) id.push_back(kHex[r & 0xf]);
  }
  return id;
}

}  // namespace

StatusOr<std::unique_ptr<CollectiveWeightSender>> CollectiveWeightSender::Join(
    v1::RolloutService::Stub& stub, const rpc::TokenAuth& auth, const std::string& worker_address,
    const std::string& backend, std::chrono::milliseconds timeout) {
  if (backend != "gloo" && backend != "nccl")
    return InvalidArgument("weight group backend '" + backend + "' is not gloo or nccl");
  std::unique_ptr<CollectiveWeightSender> sender(new CollectiveWeightSender());
  sender->group_id_ = NewGroupId();
  sender->backend_ = backend;
  v1::JoinWeightGroupRequest req;
  req.set_group_id(sender->group_id_);
  req.set_backend(backend);
  req.set_timeout_ms(timeout.count());
  v1::JoinWeightGroupResponse resp;
  grpc::ClientContext ctx;
  rpc::PrepareContext(&ctx, auth, timeout);
  grpc::Status st = stub.JoinWeightGroup(&ctx, req, &resp);
  if (!st.ok()) return rpc::FromGrpcStatus(st).WithContext("JoinWeightGroup");
  if (resp.store_port() <= 0 || resp.store_port() > 65535)
    return DataLoss("JoinWeightGroup answered store port " + std::to_string(resp.store_port()));
  DistributedContext dc;
  dc.rank = 0;
  dc.world_size = 2;
  dc.master_addr = HostOfAddress(worker_address);
  dc.master_port = resp.store_port();
  dc.source = "weight sync";
  DataParallelOptions options;
  options.backend = backend;
  options.timeout_ms = timeout.count();
  options.cuda_tensors = backend == "nccl";
  RLZ_ASSIGN_OR_RETURN(sender->group_,
                       DataParallelGroup::CreateOnStore(dc, options, sender->group_id_));
  return sender;
}

StatusOr<v1::LoadWeightsResponse> CollectiveWeightSender::Send(v1::RolloutService::Stub& stub,
                                                               const rpc::TokenAuth& auth,
                                                               const WeightSnapshot& snapshot,
                                                               uint64_t fingerprint,
                                                               std::chrono::milliseconds timeout) {
  if (!group_) return FailedPrecondition("weight group already failed; join again");
  v1::CollectiveWeightsRequest req;
  req.set_version(snapshot.version);
  req.set_group_id(group_id_);
  req.set_fingerprint(fingerprint);
  std::vector<torch::Tensor> tensors;
  tensors.reserve(snapshot.tensors.size());
  for (const auto& t : snapshot.tensors) {
    const bool on_cuda = t.tensor.device().is_cuda();
    if (on_cuda != (backend_ == "nccl")) {
      return InvalidArgument("weight group " + backend_ + " cannot send tensor '" + t.name +
                             "' on " + t.tensor.device().str());
    }
    auto* spec = req.add_tensors();
    spec->set_name(t.name);
    spec->set_dtype(DtypeName(t.tensor.scalar_type()));
    for (int64_t d : t.tensor.sizes()) spec->add_shape(d);
    tensors.push_back(t.tensor);
  }
  grpc::ClientContext ctx;
  rpc::PrepareContext(&ctx, auth, timeout);
  v1::LoadWeightsResponse resp;
  auto call =
      std::async(std::launch::async, [&] { return stub.LoadWeightsCollective(&ctx, req, &resp); });
  Status sent = group_->Broadcast(tensors, /*root=*/0);
  // Closing our end makes a worker still receiving fail at once, so its
  // answer (which says why: a refusal, a fingerprint mismatch) comes soon; a
  // dead worker's call fails by itself. Either way the deadline bounds it.
  if (!sent.ok()) group_.reset();
  grpc::Status answered = call.get();
  if (!sent.ok() || !answered.ok()) {
    group_.reset();
    // The worker's answer says why (it refused the request, or a fingerprint
    // mismatch); a broadcast error alone means the peer went away.
    if (!answered.ok()) return rpc::FromGrpcStatus(answered).WithContext("LoadWeightsCollective");
    return sent.WithContext("broadcast of weights version " + std::to_string(snapshot.version));
  }
  if (resp.version() != snapshot.version) {
    group_.reset();
    return DataLoss("LoadWeightsCollective answered version " + std::to_string(resp.version()) +
                    " for " + std::to_string(snapshot.version));
  }
  return resp;
}

}  // namespace rlzero
