// learner/distributed/data_parallel_group.h: the c10d process group that
// data-parallel learner ranks share, behind a small Status-returning API.
//
// What it is: rank 0 hosts a c10d::TCPStore at MASTER_ADDR:MASTER_PORT, every
// rank connects to it, and a c10d::ProcessGroupGloo (CPU tensors) or, when
// LibTorch was built with CUDA and the backend is "nccl", a
// c10d::ProcessGroupNCCL (CUDA tensors) is created over it. Every collective
// is the process group's own (broadcast, allreduce, barrier): there is no
// home-made collective here. With world_size 1 no store or group is created
// and every operation is an OK no-op, so single-process code calls the same
// API unconditionally.
//
// Contract:
//   - Create blocks until all ranks joined the store, or fails after
//     options.timeout_ms with UNAVAILABLE / DEADLINE_EXCEEDED naming the
//     address: a rank that cannot reach rank 0 never hangs.
//   - Each collective waits for completion (bounded by options.timeout_ms)
//     and returns a Status; c10d / Gloo exceptions never escape.
//   - All ranks must issue the same collectives in the same order with
//     tensors of the same shapes and dtypes (the usual c10d rule).
//   - Tensors are modified in place (broadcast: receivers; allreduce: all).
// Non-goals: gradient bucketing and model-level helpers (gradient_sync.h),
// process launch, NCCL testing (no GPU in CI: the NCCL path is compiled only
// when LibTorch has CUDA and is untested here).
// Thread safety: one thread at a time per group (c10d's own rule for a group
// issuing collectives in a deterministic order).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "learner/distributed/distributed_context.h"

namespace rlzero {

struct DataParallelOptions {
  // "auto" (nccl when the model device is CUDA and LibTorch has CUDA, else
  // gloo) | "gloo" | "nccl".
  std::string backend = "auto";
  // Store connect / rendezvous and per-collective timeout.
  int64_t timeout_ms = 30'000;
  // True when the tensors that will be reduced live on a CUDA device.
  bool cuda_tensors = false;
};

enum class ReduceOp { kSum, kMean, kMax, kMin };

class DataParallelGroup {
 public:
  // world_size 1: a no-op group (no store, no sockets).
  static StatusOr<std::unique_ptr<DataParallelGroup>> Create(
      const DistributedContext& ctx, const DataParallelOptions& options = {});
  ~DataParallelGroup();
  DataParallelGroup(const DataParallelGroup&) = delete;
  DataParallelGroup& operator=(const DataParallelGroup&) = delete;

  int rank() const { return ctx_.rank; }
  int world_size() const { return ctx_.world_size; }
  bool is_rank_zero() const { return ctx_.rank == 0; }
  const DistributedContext& context() const { return ctx_; }
  // "none" (world size 1) | "gloo" | "nccl".
  const std::string& backend_name() const { return backend_name_; }

  // Each tensor is overwritten with root's values (one collective per tensor).
  Status Broadcast(std::vector<torch::Tensor>& tensors, int root = 0);
  // Element-wise reduction across ranks, in place (one collective per
  // tensor). kMean is a sum followed by a division by world_size (floating
  // tensors only).
  Status AllReduce(std::vector<torch::Tensor>& tensors, ReduceOp op = ReduceOp::kSum);
  Status Barrier();

 private:
  struct Impl;
  DataParallelGroup(DistributedContext ctx, DataParallelOptions options);
  DistributedContext ctx_;
  DataParallelOptions options_;
  std::string backend_name_ = "none";
  std::unique_ptr<Impl> impl_;
};

}  // namespace rlzero
