// rollout/remote_rollout_pool.cc
#include "rollout/remote_rollout_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <thread>

#include "rollout/collective_weight_sender.h"
#include "rollout/rollout_service.h"
#include "rollout/weight_fingerprint.h"
#include "rollout/weight_push.h"
#include "rollout/weight_stream.h"
#include "rpc/status_mapping.h"
#include "telemetry/metrics_registry.h"

namespace rlzero {
namespace {

// The pool's side of an RPC to a worker, for /metrics.
void ObserveClientLatency(const char* method, std::chrono::steady_clock::time_point start) {
  telemetry::ProcessMetrics()
      .GetHistogram("rlzero_rpc_client_latency_seconds",
                    "client-side RPC latency (learner -> rollout workers)",
                    telemetry::LatencyBuckets(), {{"method", method}})
      ->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace

struct RemoteRolloutPool::Worker {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::RolloutService::Stub> stub;
  std::atomic<bool> alive{true};
  std::atomic<int64_t> version{-1};
  std::mutex push_mu;                              // one weight push at a time per worker
  std::unique_ptr<CollectiveWeightSender> sender;  // collective transport; guarded by push_mu
};

Status RemoteRolloutPoolOptions::Validate() const {
  if (weight_transport != "stream" && weight_transport != "collective")
    return InvalidArgument("weight_sync.transport '" + weight_transport +
                           "' is not stream or collective");
  if (collective_backend != "gloo" && collective_backend != "nccl")
    return InvalidArgument("weight_sync.backend '" + collective_backend + "' is not gloo or nccl");
  if (weights_timeout_ms <= 0) return InvalidArgument("weights timeout must be > 0");
  return Status::Ok();
}

RemoteRolloutPool::RemoteRolloutPool(rpc::TokenAuth auth, RemoteRolloutPoolOptions options)
    : auth_(std::move(auth)), options_(std::move(options)) {}

RemoteRolloutPool::~RemoteRolloutPool() = default;

Status RemoteRolloutPool::AddWorker(const std::string& address) {
  RLZ_ASSIGN_OR_RETURN(auto channel, rpc::MakeChannel(address, options_.client));
  auto w = std::make_shared<Worker>();
  w->address = address;
  w->channel = channel;
  w->stub = v1::RolloutService::NewStub(channel);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& existing : workers_) {
    if (existing->address == address) {
      existing->alive = false;  // the old incarnation
      existing = w;
      std::fprintf(stderr, "[learner] rollout worker %s rejoined\n", address.c_str());
      return Status::Ok();
    }
  }
  workers_.push_back(w);
  std::fprintf(stderr, "[learner] rollout worker %s joined\n", address.c_str());
  return Status::Ok();
}

int RemoteRolloutPool::live_workers() const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& w : workers_) n += w->alive ? 1 : 0;
  return n;
}

std::vector<std::string> RemoteRolloutPool::live_addresses() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& w : workers_)
    if (w->alive) out.push_back(w->address);
  return out;
}

Status RemoteRolloutPool::PushTo(Worker& w) {
  std::lock_guard<std::mutex> push_lock(w.push_mu);
  std::shared_ptr<const WeightFrameQueue> frames;
  std::shared_ptr<const WeightSnapshot> snapshot;
  uint64_t fingerprint = 0;
  int64_t version;
  {
    std::lock_guard<std::mutex> lock(mu_);
    frames = frames_;  // shares the slices: a newer publish never pulls them from under us
    if (options_.weight_transport == "collective") {
      // Holding it keeps the next-but-one publish from refilling it meanwhile.
      snapshot = snapshot_;
      fingerprint = fingerprint_;
    }
    version = published_version_;
  }
  if (w.version >= version) return Status::Ok();
  if (options_.weight_transport == "collective") {
    if (!snapshot) return FailedPrecondition("push weights to " + w.address + ": none published");
    return PushCollective(w, *snapshot, fingerprint);
  }
  if (!frames) return FailedPrecondition("push weights to " + w.address + ": none published");
  const auto rpc_start = std::chrono::steady_clock::now();
  auto resp = PushWeightFrames(w.channel, auth_,
                               std::chrono::milliseconds(options_.weights_timeout_ms), *frames);
  ObserveClientLatency("LoadWeights", rpc_start);
  if (!resp.ok() && frames->FailedByWriter()) {
    // The publish itself failed (its snapshot): not the worker's fault, and
    // this version will never exist.
    return Status(StatusCode::kAborted, "weights version " + std::to_string(version) +
                                            " was not published: " + resp.status().message());
  }
  if (!resp.ok()) return resp.status().WithContext("push weights to " + w.address);
  w.version = resp->version();
  return Status::Ok();
}

Status RemoteRolloutPool::PushCollective(Worker& w, const WeightSnapshot& snapshot,
                                         uint64_t fingerprint) {
  const auto timeout = std::chrono::milliseconds(options_.weights_timeout_ms);
  const auto rpc_start = std::chrono::steady_clock::now();
  if (!w.sender) {
    auto joined = CollectiveWeightSender::Join(*w.stub, auth_, w.address,
                                               options_.collective_backend, timeout);
    if (!joined.ok()) return joined.status().WithContext("join the weight group of " + w.address);
    w.sender = std::move(joined).value();
    std::fprintf(stderr, "[learner] rollout worker %s joined a %s weight group\n",
                 w.address.c_str(), options_.collective_backend.c_str());
  }
  auto resp = w.sender->Send(*w.stub, auth_, snapshot, fingerprint, timeout);
  ObserveClientLatency("LoadWeightsCollective", rpc_start);
  if (!resp.ok()) {
    w.sender.reset();  // its group is broken; the next push joins afresh
    return resp.status().WithContext("push weights to " + w.address);
  }
  w.version = resp->version();
  return Status::Ok();
}

std::shared_ptr<WeightSnapshot> RemoteRolloutPool::TakeSpareLocked() {
  // Frames of the spare's version were dropped when snapshot_ was published;
  // a stream push still sending it holds a copy of its slices, a collective
  // push a reference to the snapshot itself, whose release drops the last
  // extra reference. Once that count is 1 nobody can take a new one (only the
  // pool hands them out), so refilling it is safe; the acquire fence orders
  // our writes after the pushes' reads.
  std::shared_ptr<WeightSnapshot> out;
  if (spare_ && spare_.use_count() == 1) {
    out = std::move(spare_);
    std::atomic_thread_fence(std::memory_order_acquire);
  }
  spare_.reset();
  return out;
}

Status RemoteRolloutPool::PublishCollective(CausalLM& model, int64_t version) {
  std::shared_ptr<WeightSnapshot> snapshot;
  std::vector<std::shared_ptr<Worker>> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot = TakeSpareLocked();
  }
  const bool reused = snapshot != nullptr;
  if (!reused) snapshot = std::make_shared<WeightSnapshot>();
  Status snapped = options_.collective_backend == "nccl"
                       ? FillDeviceSnapshot(model, version, snapshot.get())
                       : FillSnapshot(model, version, snapshot.get());
  // On failure nothing of this version reached any worker: the previous one
  // stays published.
  const std::string what = "publish weights version " + std::to_string(version);
  if (!snapped.ok()) return snapped.WithContext(what);
  // A CPU snapshot's checksum, computed while copying, is its fingerprint.
  uint64_t fingerprint = snapshot->checksum;
  if (options_.collective_backend == "nccl") {
    auto on_device = WeightFingerprint(snapshot->tensors);
    if (!on_device.ok()) return on_device.status().WithContext(what);
    fingerprint = *on_device;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    spare_ = std::move(snapshot_);
    snapshot_ = std::move(snapshot);
    fingerprint_ = fingerprint;
    published_version_ = version;
    frames_.reset();
    if (reused) ++stats_.snapshots_reused;
    for (auto& w : workers_)
      if (w->alive) workers.push_back(w);
  }
  std::vector<std::future<Status>> pushes;
  for (auto& w : workers)
    pushes.push_back(std::async(std::launch::async, [this, w] { return PushTo(*w); }));
  return FinishPushes(workers, pushes, version, /*publish_failed=*/false);
}

Status RemoteRolloutPool::FinishPushes(const std::vector<std::shared_ptr<Worker>>& workers,
                                       std::vector<std::future<Status>>& pushes, int64_t version,
                                       bool publish_failed) {
  std::string last_error;
  for (size_t i = 0; i < pushes.size(); ++i) {
    Status s = pushes[i].get();
    // A push abandoned because the publish failed is not the worker's fault.
    if (!s.ok() && !publish_failed) {
      last_error = s.message();
      MarkDead(*workers[i]);
      std::fprintf(stderr, "[learner] %s; worker marked dead\n", s.message().c_str());
    }
  }
  if (live_workers() == 0)
    return Unavailable("no live rollout worker took weights version " + std::to_string(version) +
                       (last_error.empty() ? "" : " (last error: " + last_error + ")"));
  return Status::Ok();
}

void RemoteRolloutPool::MarkDead(Worker& w) {
  w.alive = false;
  std::lock_guard<std::mutex> lock(mu_);
  int dead = 0;
  for (auto& x : workers_) dead += x->alive ? 0 : 1;
  stats_.dead_workers = dead;
}

PoolStats RemoteRolloutPool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void RemoteRolloutPool::CancelGeneration() {
  std::lock_guard<std::mutex> lock(mu_);
  ++cancel_epoch_;
  for (grpc::ClientContext* ctx : in_flight_) ctx->TryCancel();
}

Status RemoteRolloutPool::PublishWeights(CausalLM& model, int64_t version) {
  RLZ_RETURN_IF_ERROR(options_.Validate());
  if (options_.weight_transport == "collective") return PublishCollective(model, version);
  const size_t chunk_bytes = options_.weight_chunk_bytes;
  if (chunk_bytes == 0) return InvalidArgument("weight stream: chunk_bytes must be > 0");
  std::shared_ptr<WeightSnapshot> snapshot;
  auto queue = std::make_shared<WeightFrameQueue>();
  std::shared_ptr<const WeightFrameQueue> previous_frames;
  int64_t previous_version;
  std::vector<std::shared_ptr<Worker>> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot = TakeSpareLocked();
    previous_frames = std::move(frames_);
    previous_version = published_version_;
    frames_ = queue;
    published_version_ = version;
    for (auto& w : workers_)
      if (w->alive) workers.push_back(w);
  }
  const bool reused = snapshot != nullptr;
  if (!reused) snapshot = std::make_shared<WeightSnapshot>();
  // The pushes start now and send each tensor as soon as it is copied.
  std::vector<std::future<Status>> pushes;
  bool closed = false;
  // Declared after `pushes`, so destroyed before them: if anything below
  // throws, the pushes are released instead of waiting out their deadline
  // (a std::async future's destructor waits for its push).
  struct CloseOnUnwind {
    WeightFrameQueue* queue;
    const bool* closed;
    ~CloseOnUnwind() {
      if (!*closed) queue->Close(Internal("weight publish aborted"));
    }
  } close_on_unwind{queue.get(), &closed};
  for (auto& w : workers)
    pushes.push_back(std::async(std::launch::async, [&, w] { return PushTo(*w); }));
  // Tensor i is encoded once tensor i + 1 is done: only the last tensor's
  // final frame carries the checksum, known when the snapshot is complete.
  auto append = [&](size_t begin, size_t end) -> Status {
    RLZ_ASSIGN_OR_RETURN(auto frames, EncodeWeightFrames(snapshot, chunk_bytes, begin, end));
    for (auto& f : frames) queue->Append(std::move(f));
    return Status::Ok();
  };
  Status encoded = Status::Ok();
  Status snapped = FillSnapshot(model, version, snapshot.get(), [&](size_t i) {
    if (i > 0 && encoded.ok()) encoded = append(i - 1, i);
  });
  if (snapped.ok() && encoded.ok() && !snapshot->tensors.empty())
    encoded = append(snapshot->tensors.size() - 1, snapshot->tensors.size());
  const Status published = snapped.ok() ? encoded : snapped;
  queue->Close(published);
  closed = true;

  const Status pushed = FinishPushes(workers, pushes, version, !published.ok());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!published.ok()) {
      // Nothing of this version was applied anywhere: the previous one stays
      // published (its snapshot is still snapshot_).
      if (frames_ == queue) {
        frames_ = std::move(previous_frames);
        published_version_ = previous_version;
      }
    } else {
      spare_ = std::move(snapshot_);
      snapshot_ = std::move(snapshot);
      if (reused) ++stats_.snapshots_reused;
    }
  }
  if (!published.ok())
    return published.WithContext("publish weights version " + std::to_string(version));
  return pushed;
}

std::shared_ptr<RemoteRolloutPool::Worker> RemoteRolloutPool::PickWorker(
    size_t preferred, const std::vector<std::shared_ptr<Worker>>& avoid) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<Worker>> live;
  for (auto& w : workers_) {
    if (!w->alive) continue;
    bool skip = false;
    for (auto& a : avoid) skip |= (a == w);
    if (!skip) live.push_back(w);
  }
  if (live.empty()) {
    for (auto& w : workers_)
      if (w->alive) live.push_back(w);  // retry a worker we already tried
  }
  if (live.empty()) return nullptr;
  return live[preferred % live.size()];
}

StatusOr<std::vector<Completion>> RemoteRolloutPool::Generate(
    const std::vector<std::vector<int32_t>>& prompts, const SamplingParams& params, int64_t version,
    int64_t max_staleness, int64_t* used_version) {
  uint64_t epoch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    epoch = cancel_epoch_;
  }
  const int shards_n = std::max(1, std::min<int>(live_workers(), static_cast<int>(prompts.size())));
  if (live_workers() == 0) return Unavailable("no live rollout worker");
  std::vector<std::pair<size_t, size_t>> shards;  // [begin, end)
  for (int s = 0; s < shards_n; ++s)
    shards.emplace_back(prompts.size() * s / shards_n, prompts.size() * (s + 1) / shards_n);

  std::vector<StatusOr<std::vector<Completion>>> results(shards.size(),
                                                         Status(StatusCode::kUnknown, "not run"));
  std::vector<int64_t> reassigned(shards.size(), 0);
  std::vector<int64_t> versions(shards.size(), -1);
  const Status cancelled(StatusCode::kCancelled, "rollout generation cancelled");
  auto run_shard = [&](size_t s) {
    const auto [begin, end] = shards[s];
    std::vector<std::shared_ptr<Worker>> tried;
    Status last = Unavailable("no live rollout worker");
    for (int attempt = 0; attempt < options_.max_attempts_per_shard; ++attempt) {
      auto w = PickWorker(s, tried);
      if (!w) break;
      if (attempt > 0) ++reassigned[s];
      tried.push_back(w);
      if (w->version < version) {
        Status p = PushTo(*w);
        if (!p.ok()) {
          last = p;
          if (p.code() == StatusCode::kAborted) break;  // the publisher failed, not the worker
          MarkDead(*w);
          continue;
        }
      }
      v1::GenerateRequest req;
      req.set_request_id("v" + std::to_string(version) + "-p" + std::to_string(begin));
      req.set_weights_version(version);
      req.set_max_staleness(max_staleness);
      req.set_prompt_index_offset(static_cast<int32_t>(begin));
      ToProto(params, req.mutable_params());
      for (size_t i = begin; i < end; ++i)
        req.add_prompts()->mutable_ids()->Add(prompts[i].begin(), prompts[i].end());
      grpc::ClientContext ctx;
      rpc::PrepareContext(&ctx, auth_, std::chrono::milliseconds(options_.generate_timeout_ms));
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (cancel_epoch_ != epoch) {
          results[s] = cancelled;
          return;
        }
        in_flight_.push_back(&ctx);
      }
      v1::GenerateResponse resp;
      const auto rpc_start = std::chrono::steady_clock::now();
      grpc::Status st = w->stub->Generate(&ctx, req, &resp);
      ObserveClientLatency("Generate", rpc_start);
      {
        std::lock_guard<std::mutex> lock(mu_);
        in_flight_.erase(std::remove(in_flight_.begin(), in_flight_.end(), &ctx), in_flight_.end());
        if (cancel_epoch_ != epoch) {
          results[s] = cancelled;
          return;
        }
      }
      if (!st.ok()) {
        last = rpc::FromGrpcStatus(st).WithContext("rollout worker " + w->address);
        // A refused request (bad input) will fail anywhere: do not kill the worker for it.
        if (st.error_code() == grpc::StatusCode::INVALID_ARGUMENT) break;
        if (st.error_code() != grpc::StatusCode::FAILED_PRECONDITION) MarkDead(*w);
        std::fprintf(stderr, "[learner] %s; reassigning prompts %zu..%zu\n", last.message().c_str(),
                     begin, end);
        continue;
      }
      const size_t expected = (end - begin) * static_cast<size_t>(params.n);
      if (static_cast<size_t>(resp.completions_size()) != expected) {
        last = DataLoss("rollout worker " + w->address + " returned " +
                        std::to_string(resp.completions_size()) + " completions, expected " +
                        std::to_string(expected));
        MarkDead(*w);
        continue;
      }
      std::vector<Completion> out;
      out.reserve(expected);
      for (const auto& c : resp.completions()) {
        Completion x;
        x.prompt_index = static_cast<int32_t>(begin) + c.prompt_index();
        x.sample_index = c.sample_index();
        x.token_ids.assign(c.token_ids().begin(), c.token_ids().end());
        x.logprobs.assign(c.logprobs().begin(), c.logprobs().end());
        x.text = c.text();
        x.finish_reason = c.finish_reason();
        out.push_back(std::move(x));
      }
      versions[s] = resp.weights_version();
      results[s] = std::move(out);
      return;
    }
    results[s] = last;
  };
  std::vector<std::thread> threads;
  for (size_t s = 0; s < shards.size(); ++s) threads.emplace_back(run_shard, s);
  for (auto& t : threads) t.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int64_t r : reassigned) stats_.reassigned_shards += r;
  }
  std::vector<Completion> all;
  int64_t oldest = -1;
  for (size_t s = 0; s < shards.size(); ++s) {
    if (!results[s].ok()) return results[s].status();
    oldest = s == 0 ? versions[s] : std::min(oldest, versions[s]);
    for (auto& c : *results[s]) all.push_back(std::move(c));
  }
  if (used_version != nullptr) *used_version = oldest;
  return all;
}

}  // namespace rlzero
