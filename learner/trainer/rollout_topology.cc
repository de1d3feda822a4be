// learner/trainer/rollout_topology.cc: building the three rollout topologies
// (see header).
#include "learner/trainer/rollout_topology.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "learner/trainer/engine_rollout_source.h"
#include "learner/trainer/naive_rollout_source.h"
#include "learner/trainer/remote_rollout_source.h"
#include "learner/trainer/rollout_worker_processes.h"
#include "learner/trainer/snapshot_rollout_source.h"
#include "rollout/learner_service.h"
#include "rollout/remote_rollout_pool.h"

namespace rlzero {
namespace fs = std::filesystem;

RolloutTopology::RolloutTopology() = default;

RolloutTopology::~RolloutTopology() {
  source_.reset();
  workers_.reset();
  if (server_) server_->Shutdown();
}

StatusOr<std::unique_ptr<RolloutTopology>> RolloutTopology::Start(
    const RolloutTopologyOptions& options) {
  std::unique_ptr<RolloutTopology> t(new RolloutTopology());
  if (options.spawn_workers > 0 || options.listen) {
    RLZ_RETURN_IF_ERROR(t->StartRemote(options));
    return t;
  }
  const bool async = options.max_staleness > 0;
  if (async && !options.sampling_copy) {
    return InvalidArgument("rollout topology: async in-process sampling needs a sampling copy");
  }
  // Sync: sample on the trained module itself; async: on the copy.
  const std::shared_ptr<CausalLM> sampler_model = async ? options.sampling_copy : options.policy;
  std::unique_ptr<RolloutSource> source;
  if (options.sampler == "naive") {
    NaiveSamplerOptions so;
    so.temperature = options.sampling.temperature;
    so.max_new_tokens = options.sampling.max_new_tokens;
    so.eos_token_ids = options.eos_token_ids;
    so.decode = options.decode;
    source = std::make_unique<NaiveRolloutSource>(sampler_model, so);
  } else {
    RolloutEngineOptions eo;
    eo.max_batch = options.max_batch;
    eo.cuda_graphs = options.cuda_graphs;
    eo.eos_token_ids = options.eos_token_ids;
    RLZ_RETURN_IF_ERROR(eo.Validate());
    source = std::make_unique<EngineRolloutSource>(
        std::make_unique<RolloutEngine>(sampler_model, eo, options.decode), options.sampling);
  }
  if (async) {
    source = std::make_unique<SnapshotRolloutSource>(options.policy, options.sampling_copy,
                                                     std::move(source));
  }
  t->source_ = std::move(source);
  return t;
}

Status RolloutTopology::StartRemote(const RolloutTopologyOptions& options) {
  if (options.spawn_workers > 0 && options.listen) {
    return InvalidArgument("rollout topology: spawn workers or listen for them, not both");
  }
  rpc::ServerOptions so = options.server;
  so.role = "learner";
  int want = options.min_workers;
  std::string where;  // for the "no workers" error
  if (options.spawn_workers > 0) {
    // A fresh token per run, shared with the children through a 0600 file.
    std::error_code ec;
    fs::create_directories(options.run_dir, ec);
    so.listen = "127.0.0.1:0";
    so.auth_token_file = options.run_dir + "/auth_token";
    so.allow_no_auth = false;
    RLZ_RETURN_IF_ERROR(rpc::WriteNewTokenFile(so.auth_token_file).status());
    want = options.spawn_workers;
    where = " (see " + options.run_dir + "/rollout-worker-*.log)";
  }
  if (want < 1) return InvalidArgument("rollout topology: min_workers must be >= 1");
  RLZ_ASSIGN_OR_RETURN(rpc::TokenAuth auth, rpc::LoadServerAuth(so));
  RemoteRolloutPoolOptions po;
  // Spawned workers are loopback children without certificates: plain.
  if (options.spawn_workers == 0) po.client = options.client;
  RLZ_RETURN_IF_ERROR(po.client.Validate());
  po.weight_transport = options.weight_transport;
  po.collective_backend = options.weight_backend;
  po.weights_timeout_ms = options.weight_timeout_ms;
  RLZ_RETURN_IF_ERROR(po.Validate());
  pool_ = std::make_unique<RemoteRolloutPool>(auth, po);
  service_ = std::make_unique<LearnerServiceImpl>(pool_.get(), auth, options.model_type);
  server_ = std::make_unique<rpc::ServerRunner>();
  RLZ_ASSIGN_OR_RETURN(address_, server_->Start(so, {service_.get()}));
  if (options.spawn_workers > 0) {
    RolloutWorkerLaunch launch;
    launch.rlzero_binary = SiblingRlzeroBinary();
    launch.model_dir = options.model_path;
    launch.learner_address = address_;
    launch.auth_token_file = so.auth_token_file;
    launch.device = options.device;
    launch.dtype = options.dtype;
    launch.max_batch = options.max_batch;
    launch.cuda_graphs = options.cuda_graphs;
    launch.log_dir = options.run_dir;
    workers_ = std::make_unique<RolloutWorkerProcesses>(launch);
    RLZ_RETURN_IF_ERROR(workers_->Start(options.spawn_workers));
  } else {
    // Machine-readable: tests and scripts read the bound address from here.
    std::printf("{\"role\": \"learner\", \"address\": \"%s\"}\n", address_.c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "learner %s: waiting for %d rollout worker(s)\n", address_.c_str(), want);
  }
  const int64_t wait_ms = options.spawn_workers > 0 ? 180'000 : options.wait_workers_ms;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (pool_->live_workers() < want) {
    if (std::chrono::steady_clock::now() > give_up) {
      return Unavailable("learner " + address_ + ": only " + std::to_string(pool_->live_workers()) +
                         " of " + std::to_string(want) + " rollout workers registered within " +
                         std::to_string(wait_ms / 1000) + " s" + where);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "learner %s: %d rollout workers joined\n", address_.c_str(), want);
  source_ = std::make_unique<RemoteRolloutSource>(options.policy, pool_.get(), options.sampling,
                                                  options.max_staleness);
  return Status::Ok();
}

int RolloutTopology::RestartDeadWorkers() { return workers_ ? workers_->RestartDead() : 0; }

void RolloutTopology::SetProgress(int64_t step, int64_t weights_version) {
  if (service_) service_->SetProgress(step, weights_version);
}

}  // namespace rlzero
