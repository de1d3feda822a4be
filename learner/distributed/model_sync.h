// learner/distributed/model_sync.h: keep data-parallel replicas of a model
// identical: broadcast the weights from rank 0 at start, average gradients
// after every backward.
//
// Bucketing: tensors are grouped by (device, dtype) in module order and packed
// into flat buffers of at most `bucket_bytes` (a tensor larger than that gets
// a bucket of its own), so a model with hundreds of parameters issues a
// handful of collectives, not hundreds. Each bucket is flattened (torch::cat),
// reduced or broadcast by the process group, and copied back.
//
// Contract:
//   - BroadcastModuleState: every parameter and buffer of `module` takes rank
//     0's values. Call once after building/loading the model and before the
//     optimizer's first step (optimizer state starts empty, so it stays
//     identical too).
//   - AllReduceGradients: for every parameter with requires_grad, grad :=
//     mean over ranks of grad (kMean) or the sum (kSum). A parameter whose
//     grad is undefined on this rank counts as a zero gradient (it gets a
//     zero grad tensor), so ranks whose micro-batches skipped a parameter
//     still agree. Call after the last backward of a step, before clipping
//     and optimizer.step().
//   - Loss normalisation is the caller's job (docs/distributed.md): with
//     kMean, a rank's loss must be (sum of its per-token losses) * world_size
//     / (GLOBAL token count), the global count coming from AllReduceScalars.
//   - With world size 1 both are no-ops (no copies).
// Non-goals: overlapping communication with backward (DDP's autograd hooks),
// sharded optimizer state (ZeRO/FSDP).
// Thread safety: as DataParallelGroup; the module must not be used meanwhile.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "learner/distributed/data_parallel_group.h"

namespace rlzero {

inline constexpr int64_t kDefaultBucketBytes = 25 * 1024 * 1024;  // torch DDP's default

// Indices into `tensors`, one vector per bucket (exposed for tests and stats).
std::vector<std::vector<size_t>> PlanBuckets(const std::vector<torch::Tensor>& tensors,
                                             int64_t bucket_bytes);

// In-place bucketed broadcast / all-reduce of arbitrary tensors.
Status BroadcastBucketed(DataParallelGroup& group, std::vector<torch::Tensor> tensors,
                         int64_t bucket_bytes = kDefaultBucketBytes, int root = 0);
Status AllReduceBucketed(DataParallelGroup& group, std::vector<torch::Tensor> tensors, ReduceOp op,
                         int64_t bucket_bytes = kDefaultBucketBytes);

Status BroadcastModuleState(DataParallelGroup& group, torch::nn::Module& module,
                            int64_t bucket_bytes = kDefaultBucketBytes);

struct GradientSyncStats {
  int64_t tensors = 0;  // gradients reduced
  int64_t buckets = 0;  // collectives issued
  int64_t bytes = 0;    // payload per rank
};
StatusOr<GradientSyncStats> AllReduceGradients(DataParallelGroup& group,
                                               const std::vector<torch::Tensor>& parameters,
                                               ReduceOp op = ReduceOp::kMean,
                                               int64_t bucket_bytes = kDefaultBucketBytes);

}  // namespace rlzero
