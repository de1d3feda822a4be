// rollout/rollout_worker.cc
#include "rollout/rollout_worker.h"

#include "telemetry/metrics_registry.h"

namespace rlzero {

RolloutWorker::RolloutWorker(std::shared_ptr<CausalLM> model, RolloutEngineOptions options,
                             DecodeFn decode, int64_t max_queued)
    : model_(model),
      device_(model->parameters().empty() ? torch::Device(torch::kCPU)
                                          : model->parameters().front().device()),
      engine_(model, std::move(options), std::move(decode)),
      max_queued_(max_queued) {}

StatusOr<WorkerGenerateResult> RolloutWorker::Generate(
    const std::vector<std::vector<int32_t>>& prompts, const SamplingParams& params,
    int64_t required_version, int64_t max_staleness) {
  static telemetry::Gauge* queue_depth = telemetry::ProcessMetrics().GetGauge(
      "rlzero_rollout_worker_queued_requests", "Generate requests waiting for the engine");
  if (queued_.fetch_add(1) >= max_queued_) {
    queued_.fetch_sub(1);
    return ResourceExhausted("rollout worker: " + std::to_string(max_queued_) +
                             " requests already queued");
  }
  queue_depth->Set(static_cast<double>(queued_.load()));
  std::lock_guard<std::mutex> lock(mu_);
  queue_depth->Set(static_cast<double>(queued_.fetch_sub(1) - 1));
  const int64_t have = version_.load();
  if (required_version >= 0) {
    // A newer version than required is always acceptable (async mode: the
    // learner published again while this request was on its way); the
    // response names the version that sampled.
    const int64_t gap = required_version - have;
    if (gap > std::max<int64_t>(max_staleness, 0))
      return FailedPrecondition("rollout worker holds weights version " + std::to_string(have) +
                                ", request needs " + std::to_string(required_version));
  }
  auto out = engine_.Generate(prompts, params);
  if (!out.ok()) return out.status();
  WorkerGenerateResult r;
  r.weights_version = have;
  r.completions = std::move(out).value();
  r.stats = engine_.last_stats();
  generated_tokens_ += r.stats.decode_tokens;
  auto& m = telemetry::ProcessMetrics();
  m.GetCounter("rlzero_rollout_worker_generated_tokens_total",
               "tokens decoded by this rollout worker (rate() gives tokens/s)")
      ->Increment(static_cast<double>(r.stats.decode_tokens));
  m.GetCounter("rlzero_rollout_worker_prefill_tokens_total", "prompt tokens prefilled")
      ->Increment(static_cast<double>(r.stats.prefill_tokens));
  return r;
}

Status RolloutWorker::LoadWeights(int64_t version, const std::vector<NamedTensor>& tensors) {
  std::lock_guard<std::mutex> lock(mu_);
  RLZ_RETURN_IF_ERROR(ApplyWeights(*model_, tensors));
  version_ = version;
  telemetry::ProcessMetrics()
      .GetGauge("rlzero_weights_version", "policy weights version held by this process")
      ->Set(static_cast<double>(version));
  return Status::Ok();
}

}  // namespace rlzero
