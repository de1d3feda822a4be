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
// Groups on a store served out of band (CreateOnStore, StoreServer): for
// groups whose members do not share launch variables, e.g. the learner and one
// rollout worker for collective weight sync (rollout/collective_weight_sender.h).
// One member serves a TCPStore on an ephemeral port and tells the others the
// port over an authenticated channel; every key lives under a caller-given
// prefix (a random secret per group), so several groups share nothing and a
// stranger who finds the port cannot name a key.
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

// A c10d TCPStore served by this process on an ephemeral port (all
// interfaces, as c10d's TCPStore always listens), for CreateOnStore. It
// serves as long as this object or any group created on it lives (the group
// holds a reference, as c10d groups keep their store).
class StoreServer {
 public:
  static StatusOr<std::unique_ptr<StoreServer>> Start(int64_t timeout_ms);
  ~StoreServer();
  int port() const { return port_; }

 private:
  friend class DataParallelGroup;
  struct Impl;
  StoreServer();
  int port_ = 0;
  std::unique_ptr<Impl> impl_;
};

class DataParallelGroup {
 public:
  // world_size 1: a no-op group (no store, no sockets).
  static StatusOr<std::unique_ptr<DataParallelGroup>> Create(
      const DistributedContext& ctx, const DataParallelOptions& options = {});
  // A group of ctx.world_size members whose keys live under `key_prefix`, on
  // `server` when given (this process serves the store), else on the TCPStore
  // at ctx.master_addr:ctx.master_port. ctx.master_addr also picks Gloo's
  // interface (loopback address: 127.0.0.1). Blocks until every member joined
  // or options.timeout_ms passed (UNAVAILABLE naming the address).
  static StatusOr<std::unique_ptr<DataParallelGroup>> CreateOnStore(
      const DistributedContext& ctx, const DataParallelOptions& options,
      const std::string& key_prefix, StoreServer* server = nullptr);
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
  static Status CheckOptions(const DataParallelOptions& options);
  // backend "nccl", or "auto" with CUDA tensors.
  static bool UsesNccl(const DataParallelOptions& options);
  // Creates the Gloo or NCCL group (UsesNccl(options_)) over impl_->store.
  Status CreateBackend();
  DistributedContext ctx_;
  DataParallelOptions options_;
  std::string backend_name_ = "none";
  std::unique_ptr<Impl> impl_;
};

}  // namespace rlzero
