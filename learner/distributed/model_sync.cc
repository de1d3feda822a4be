// learner/distributed/model_sync.cc: bucket planning and the flatten /
// collective / copy-back loop shared by weight broadcast and gradient
// all-reduce.
#include "learner/distributed/model_sync.h"

#include <algorithm>
#include <iterator>
#include <string>

namespace rlzero {
namespace {

// Runs `collective` on each bucket's flat buffer and copies the result back.
template <typename Collective>
Status ForEachBucket(std::vector<torch::Tensor>& tensors, int64_t bucket_bytes,
                     int64_t* buckets_out, Collective&& collective) {
  torch::NoGradGuard no_grad;
  auto plan = PlanBuckets(tensors, bucket_bytes);
  for (const auto& bucket : plan) {
    std::vector<torch::Tensor> flat_parts;
    flat_parts.reserve(bucket.size());
    for (size_t i : bucket) flat_parts.push_back(tensors[i].detach().reshape({-1}));
    torch::Tensor flat = torch::cat(flat_parts).contiguous();
    std::vector<torch::Tensor> one{flat};
    RLZ_RETURN_IF_ERROR(collective(one));
    int64_t offset = 0;
    for (size_t i : bucket) {
      const int64_t n = tensors[i].numel();
      tensors[i].copy_(flat.narrow(0, offset, n).view(tensors[i].sizes()));
      offset += n;
    }
  }
  if (buckets_out) *buckets_out = static_cast<int64_t>(plan.size());
  return Status::Ok();
}

}  // namespace

std::vector<std::vector<size_t>> PlanBuckets(const std::vector<torch::Tensor>& tensors,
                                             int64_t bucket_bytes) {
  // One open bucket per (device, dtype) key, in first-seen order; a bucket is
  // closed when the next tensor would overflow it.
  struct Open {
    std::string key;
    std::vector<size_t> members;
    int64_t bytes = 0;
  };
  std::vector<std::vector<size_t>> done;
  std::vector<Open> open;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& t = tensors[i];
    const std::string key = t.device().str() + "/" + std::string(c10::toString(t.scalar_type()));
    const int64_t bytes = t.numel() * static_cast<int64_t>(t.element_size());
    auto it = std::find_if(open.begin(), open.end(), [&](const Open& o) { return o.key == key; });
    if (it == open.end()) {
      open.push_back({key, {}, 0});
      it = std::prev(open.end());
    }
    if (!it->members.empty() && it->bytes + bytes > bucket_bytes) {
      done.push_back(std::move(it->members));
      it->members.clear();
      it->bytes = 0;
    }
    it->members.push_back(i);
    it->bytes += bytes;
  }
  for (auto& o : open) {
    if (!o.members.empty()) done.push_back(std::move(o.members));
  }
  return done;
}

Status BroadcastBucketed(DataParallelGroup& group, std::vector<torch::Tensor> tensors,
                         int64_t bucket_bytes, int root) {
  if (group.world_size() == 1) return Status::Ok();
  return ForEachBucket(tensors, bucket_bytes, nullptr,
                       [&](std::vector<torch::Tensor>& one) { return group.Broadcast(one, root); });
}

Status AllReduceBucketed(DataParallelGroup& group, std::vector<torch::Tensor> tensors, ReduceOp op,
                         int64_t bucket_bytes) {
  if (group.world_size() == 1) return Status::Ok();
  return ForEachBucket(tensors, bucket_bytes, nullptr,
                       [&](std::vector<torch::Tensor>& one) { return group.AllReduce(one, op); });
}

Status BroadcastModuleState(DataParallelGroup& group, torch::nn::Module& module,
                            int64_t bucket_bytes) {
  std::vector<torch::Tensor> state;
  for (const auto& p : module.parameters(/*recurse=*/true)) state.push_back(p);
  for (const auto& b : module.buffers(/*recurse=*/true)) {
    if (b.defined()) state.push_back(b);
  }
  return BroadcastBucketed(group, std::move(state), bucket_bytes, 0)
      .WithContext("broadcasting model weights from rank 0");
}

StatusOr<GradientSyncStats> AllReduceGradients(DataParallelGroup& group,
                                               const std::vector<torch::Tensor>& parameters,
                                               ReduceOp op, int64_t bucket_bytes) {
  if (op != ReduceOp::kMean && op != ReduceOp::kSum) {
    return InvalidArgument("gradients can only be all-reduced with sum or mean");
  }
  GradientSyncStats stats;
  if (group.world_size() == 1) return stats;
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters) {
    if (!p.requires_grad()) continue;
    if (!p.grad().defined()) {
      // Same layout on every rank: a missing gradient reduces as zeros.
      p.mutable_grad() = torch::zeros_like(p);
    }
    grads.push_back(p.grad());
    stats.bytes += p.numel() * static_cast<int64_t>(p.element_size());
  }
  stats.tensors = static_cast<int64_t>(grads.size());
  RLZ_RETURN_IF_ERROR(
      ForEachBucket(grads, bucket_bytes, &stats.buckets, [&](std::vector<torch::Tensor>& one) {
        return group.AllReduce(one, op);
      }).WithContext("all-reducing gradients"));
  return stats;
}

}  // namespace rlzero
