// learner/trainer/snapshot_rollout_source.cc: weight snapshots handed from the
// trainer's thread to the sampling copy (see header).
#include "learner/trainer/snapshot_rollout_source.h"

namespace rlzero {

SnapshotRolloutSource::SnapshotRolloutSource(std::shared_ptr<CausalLM> trained,
                                             std::shared_ptr<CausalLM> sampling_copy,
                                             std::unique_ptr<RolloutSource> inner)
    : trained_(std::move(trained)), copy_(std::move(sampling_copy)), inner_(std::move(inner)) {}

Status SnapshotRolloutSource::PublishWeights(int64_t version) {
  auto snap = std::make_unique<Snapshot>();
  snap->version = version;
  try {
    torch::NoGradGuard no_grad;
    for (const auto& item : trained_->named_parameters())
      snap->tensors.emplace_back(item.key(), item.value().detach().clone());
    for (const auto& item : trained_->named_buffers())
      snap->tensors.emplace_back(item.key(), item.value().detach().clone());
  } catch (const c10::Error& e) {
    return Internal("snapshot of weights version " + std::to_string(version) + ": " +
                    e.what_without_backtrace());
  }
  std::lock_guard<std::mutex> lock(pending_mu_);
  pending_ = std::move(snap);  // an unused older snapshot is simply replaced
  return Status::Ok();
}

Status SnapshotRolloutSource::ApplyPending() {
  std::unique_ptr<Snapshot> snap;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    snap = std::move(pending_);
  }
  if (!snap) return Status::Ok();
  try {
    torch::NoGradGuard no_grad;
    auto params = copy_->named_parameters();
    auto buffers = copy_->named_buffers();
    if (params.size() + buffers.size() != snap->tensors.size()) {
      return FailedPrecondition("snapshot rollout source: the sampling copy has " +
                                std::to_string(params.size() + buffers.size()) +
                                " tensors, the trained policy " +
                                std::to_string(snap->tensors.size()));
    }
    size_t i = 0;
    for (auto* dict : {&params, &buffers}) {
      for (auto& item : *dict) {
        const auto& [name, source] = snap->tensors[i++];
        torch::Tensor& target = item.value();
        if (name != item.key() || !target.sizes().equals(source.sizes())) {
          return FailedPrecondition("snapshot rollout source: tensor " + item.key() +
                                    " of the sampling copy does not match " + name +
                                    " of the trained policy");
        }
        target.copy_(source);
      }
    }
  } catch (const c10::Error& e) {
    return Internal("copying weights version " + std::to_string(snap->version) +
                    " into the sampling copy: " + e.what_without_backtrace());
  }
  version_ = snap->version;
  return Status::Ok();
}

StatusOr<std::vector<SampledCompletion>> SnapshotRolloutSource::Generate(
    const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) {
  RLZ_RETURN_IF_ERROR(ApplyPending());
  RLZ_ASSIGN_OR_RETURN(std::vector<SampledCompletion> out, inner_->Generate(prompts, n, seed));
  for (SampledCompletion& c : out) c.weights_version = version_;
  return out;
}

}  // namespace rlzero
