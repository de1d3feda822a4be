// learner/distributed/scalar_reduce.cc: scalars packed into one float64 CPU
// tensor (Gloo reduces CPU tensors; an NCCL group needs CUDA, see below).
#include "learner/distributed/scalar_reduce.h"

namespace rlzero {

StatusOr<std::vector<double>> AllReduceScalars(DataParallelGroup& group,
                                               const std::vector<double>& values, ReduceOp op) {
  if (group.world_size() == 1 || values.empty()) return values;
  torch::Tensor t = torch::tensor(values, torch::dtype(torch::kFloat64));
  // NCCL only reduces device tensors.
  if (group.backend_name() == "nccl")
    t = t.to(torch::Device(torch::kCUDA, group.context().local_rank));
  std::vector<torch::Tensor> one{t};
  RLZ_RETURN_IF_ERROR(group.AllReduce(one, op).WithContext("all-reducing scalar metrics"));
  torch::Tensor cpu = one[0].to(torch::kCPU).contiguous();
  const double* p = cpu.data_ptr<double>();
  return std::vector<double>(p, p + cpu.numel());
}

}  // namespace rlzero
