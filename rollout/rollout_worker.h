// rollout/rollout_worker.h: the rollout worker role as a plain class (the
// gRPC adapter in rollout_service.h only translates protos): a RolloutEngine
// over one model, a weights version, and an atomic weight swap.
//
// Contract: Generate runs one request at a time (requests queue on a mutex,
// bounded by max_queued: beyond it, RESOURCE_EXHAUSTED). It refuses
// (FAILED_PRECONDITION) a request for a weights version newer than the one it
// holds, unless the request accepts that staleness; holding a newer version
// than required is fine (the result names the version used). LoadWeights takes fully
// assembled, checksum-verified tensors and copies them into the model under
// the same mutex, so no sample ever comes from a half-loaded model.
// Thread safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "rollout/rollout_engine.h"
#include "rollout/weight_stream.h"

namespace rlzero {

struct WorkerGenerateResult {
  int64_t weights_version = 0;
  std::vector<Completion> completions;
  RolloutStats stats;
};

class RolloutWorker {
 public:
  RolloutWorker(std::shared_ptr<CausalLM> model, RolloutEngineOptions options, DecodeFn decode,
                int64_t max_queued = 16);

  // required_version < 0: any version.
  StatusOr<WorkerGenerateResult> Generate(const std::vector<std::vector<int32_t>>& prompts,
                                          const SamplingParams& params, int64_t required_version,
                                          int64_t max_staleness);
  Status LoadWeights(int64_t version, const std::vector<NamedTensor>& tensors);
  int64_t weights_version() const { return version_.load(); }
  // Where the model's weights live (collective weight sync receives there).
  torch::Device device() const { return device_; }
  int64_t queued() const { return queued_.load(); }
  int64_t generated_tokens() const { return generated_tokens_.load(); }

 private:
  std::shared_ptr<CausalLM> model_;
  torch::Device device_;
  RolloutEngine engine_;
  std::mutex mu_;  // one Generate or LoadWeights at a time
  std::atomic<int64_t> version_{0};
  std::atomic<int64_t> queued_{0};
  std::atomic<int64_t> generated_tokens_{0};
  int64_t max_queued_;
};

}  // namespace rlzero
