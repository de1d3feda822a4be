// learner/distributed/rank_zero.cc: run on rank 0, broadcast the outcome.
#include "learner/distributed/rank_zero.h"

#include <cstring>
#include <string>

namespace rlzero {

Status RunOnRankZero(DataParallelGroup& group, const std::function<Status()>& fn) {
  Status local = group.is_rank_zero() ? fn() : Status::Ok();
  if (group.world_size() == 1) return local;
  torch::Tensor code = torch::tensor({static_cast<int64_t>(local.code())}, torch::kInt64);
  if (group.backend_name() == "nccl") {
    code = code.to(torch::Device(torch::kCUDA, group.context().local_rank));
  }
  std::vector<torch::Tensor> one{code};
  RLZ_RETURN_IF_ERROR(group.Broadcast(one, 0).WithContext("sharing rank 0's outcome"));
  const auto rank0 = static_cast<StatusCode>(one[0].to(torch::kCPU).item<int64_t>());
  if (group.is_rank_zero()) return local;
  if (rank0 == StatusCode::kOk) return Status::Ok();
  return Status(rank0, std::string("rank 0 failed: ") + StatusCodeName(rank0));
}

Status BroadcastBytes(DataParallelGroup& group, std::string& bytes) {
  if (group.world_size() == 1) return Status::Ok();
  const bool nccl = group.backend_name() == "nccl";
  const torch::Device device =
      nccl ? torch::Device(torch::kCUDA, group.context().local_rank) : torch::Device(torch::kCPU);
  std::vector<torch::Tensor> size{
      torch::tensor({static_cast<int64_t>(bytes.size())}, torch::kInt64).to(device)};
  RLZ_RETURN_IF_ERROR(group.Broadcast(size, 0).WithContext("broadcasting a payload size"));
  const int64_t n = size[0].to(torch::kCPU).item<int64_t>();
  if (n == 0) {
    bytes.clear();
    return Status::Ok();
  }
  torch::Tensor payload = torch::empty({n}, torch::kUInt8);
  if (group.is_rank_zero()) std::memcpy(payload.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  std::vector<torch::Tensor> one{payload.to(device)};
  RLZ_RETURN_IF_ERROR(group.Broadcast(one, 0).WithContext("broadcasting a payload"));
  torch::Tensor cpu = one[0].to(torch::kCPU).contiguous();
  bytes.assign(reinterpret_cast<const char*>(cpu.data_ptr<uint8_t>()), static_cast<size_t>(n));
  return Status::Ok();
}

}  // namespace rlzero
