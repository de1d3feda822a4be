// learner/trainer/remote_rollout_source.cc
#include "learner/trainer/remote_rollout_source.h"

#include "learner/trainer/engine_rollout_source.h"

namespace rlzero {

RemoteRolloutSource::RemoteRolloutSource(std::shared_ptr<CausalLM> policy, RemoteRolloutPool* pool,
                                         SamplingParams params, int64_t max_staleness)
    : policy_(std::move(policy)),
      pool_(pool),
      params_(std::move(params)),
      max_staleness_(max_staleness) {}

Status RemoteRolloutSource::PublishWeights(int64_t version) {
  RLZ_RETURN_IF_ERROR(pool_->PublishWeights(*policy_, version));
  version_ = version;
  published_ = true;
  return Status::Ok();
}

StatusOr<std::vector<SampledCompletion>> RemoteRolloutSource::Generate(
    const std::vector<std::vector<int32_t>>& prompts, int n, uint64_t seed) {
  if (!published_) RLZ_RETURN_IF_ERROR(PublishWeights(version_));
  SamplingParams p = params_;
  p.n = n;
  p.seed = seed;
  int64_t used = -1;
  RLZ_ASSIGN_OR_RETURN(std::vector<Completion> completions,
                       pool_->Generate(prompts, p, version_.load(), max_staleness_, &used));
  std::vector<SampledCompletion> out = ToSampledCompletions(std::move(completions));
  for (SampledCompletion& c : out) c.weights_version = used;
  return out;
}

}  // namespace rlzero
