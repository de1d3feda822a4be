// cli/bench_torch_sync.cc: `rlzero bench sync`: weight-sync throughput from
// the learner to a rollout worker over loopback gRPC (serialise, stream in
// chunks, verify the checksum, copy into the worker's model), beside a plain
// in-memory copy of the same bytes measured in the same run. With
// --collective, also the collective transport (a c10d Gloo broadcast through
// a group of two, fingerprint check, copy into the model) to the same worker.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/bench_registry.h"
#include "policy/model_io.h"
#include "rollout/remote_rollout_pool.h"
#include "rollout/rollout_service.h"
#include "rpc/server_runner.h"

namespace rlzero::cli {
namespace {

ModelConfig SyncBenchConfig(int64_t hidden, int64_t layers) {
  ModelConfig c;
  c.model_type = "qwen2";
  c.vocab_size = 32000;
  c.hidden_size = hidden;
  c.intermediate_size = hidden * 4;
  c.num_hidden_layers = layers;
  c.num_attention_heads = hidden / 64;
  c.num_key_value_heads = hidden / 64;
  c.head_dim = 64;
  c.max_position_embeddings = 2048;
  return c;
}

int RunBenchSync(int argc, char** argv) {
  CLI::App app{"weight-sync GB/s over loopback gRPC", "rlzero bench sync"};
  int64_t hidden = 1024, layers = 8, repeats = 3;
  size_t chunk_mb = 4;
  bool collective = false;
  app.add_option("--hidden", hidden, "hidden size of the synthetic qwen2 model")
      ->capture_default_str();
  app.add_option("--layers", layers, "layers of the synthetic model")->capture_default_str();
  app.add_option("--repeats", repeats, "pushes to time")->capture_default_str();
  app.add_option("--chunk-mb", chunk_mb, "chunk size in MiB")->capture_default_str();
  app.add_flag("--collective", collective,
               "also time weight_sync.transport collective (Gloo broadcast) in the same run");
  return RunApp(app, argc, argv, [&]() -> int {
    const std::string cmd = "rlzero bench sync";
    if (repeats < 1) return ReportError(cmd, InvalidArgument("--repeats must be >= 1"));
    ModelConfig cfg = SyncBenchConfig(hidden, layers);
    auto learner_model = BuildModel(cfg, torch::kCPU, torch::kFloat32, 1);
    auto worker_model = BuildModel(cfg, torch::kCPU, torch::kFloat32, 2);
    if (!learner_model.ok()) return ReportError(cmd, learner_model.status());
    if (!worker_model.ok()) return ReportError(cmd, worker_model.status());
    uint64_t bytes = 0;
    for (const auto& p : (*learner_model)->parameters()) bytes += p.numel() * p.element_size();

    RolloutWorker worker(*worker_model, RolloutEngineOptions{}, nullptr);
    auto token = rpc::TokenAuth::GenerateToken();
    if (!token.ok()) return ReportError(cmd, token.status());
    auto auth = rpc::TokenAuth::FromToken(*token);
    RolloutServiceImpl service(&worker, auth);
    rpc::ServerRunner runner;
    rpc::ServerOptions so;
    so.role = "bench-worker";
    so.allow_no_auth = true;  // the service checks `auth` itself
    so.max_message_bytes = 64 << 20;
    auto bound = runner.Start(so, {&service});
    if (!bound.ok()) return ReportError(cmd, bound.status());
    RemoteRolloutPoolOptions po;
    po.weight_chunk_bytes = chunk_mb << 20;
    RemoteRolloutPool pool(auth, po);
    if (Status s = pool.AddWorker(*bound); !s.ok()) return ReportError(cmd, s);

    // Seconds of each of `repeats` publishes through `p`, versions from
    // first_version on.
    auto time_pushes = [&](RemoteRolloutPool& p,
                           int64_t first_version) -> StatusOr<std::vector<double>> {
      std::vector<double> out;
      for (int64_t r = 0; r < repeats; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        RLZ_RETURN_IF_ERROR(p.PublishWeights(**learner_model, first_version + r));
        out.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      return out;
    };
    // {best, median} of a run of pushes.
    auto best_and_median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return std::make_pair(v.front(), v[v.size() / 2]);
    };
    // Every push after the first two refills buffers kept from an earlier
    // version (snapshots_reused); the first ones allocate.
    auto in_order = time_pushes(pool, 1);
    if (!in_order.ok()) return ReportError(cmd, in_order.status());
    const auto [best, median] = best_and_median(*in_order);
    // The collective transport to the same worker, right after.
    std::vector<double> collective_seconds;
    if (collective) {
      RemoteRolloutPoolOptions co;
      co.weight_transport = "collective";
      co.collective_backend = "gloo";
      RemoteRolloutPool cpool(auth, co);
      if (Status s = cpool.AddWorker(*bound); !s.ok()) return ReportError(cmd, s);
      auto timed = time_pushes(cpool, repeats + 1);
      if (!timed.ok()) return ReportError(cmd, timed.status());
      collective_seconds = *timed;
    }
    // Baseline: copying the same parameters in memory.
    double best_copy = 1e30;
    for (int64_t r = 0; r < repeats; ++r) {
      torch::NoGradGuard ng;
      auto t0 = std::chrono::steady_clock::now();
      auto dst = (*worker_model)->parameters();
      auto src = (*learner_model)->parameters();
      for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
      best_copy = std::min(
          best_copy, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    nlohmann::json out = {{"benchmark", "sync"},
                          {"bytes", bytes},
                          {"chunk_bytes", chunk_mb << 20},
                          {"grpc_seconds", best},
                          {"grpc_gb_per_s", bytes / best / 1e9},
                          {"grpc_median_gb_per_s", bytes / median / 1e9},
                          {"grpc_seconds_per_push", *in_order},
                          {"memcpy_seconds", best_copy},
                          {"memcpy_gb_per_s", bytes / best_copy / 1e9},
                          {"ratio_grpc_over_memcpy", best_copy / best},
                          {"snapshots_reused", pool.stats().snapshots_reused},
                          {"note",
                           "best (and median) of repeats; serialise + stream + checksum + copy "
                           "into the worker model"}};
    if (collective) {
      // The first push also joins the group (store, Gloo rendezvous).
      const auto [c_best, c_median] = best_and_median(collective_seconds);
      out["collective_backend"] = "gloo";
      out["collective_seconds"] = c_best;
      out["collective_gb_per_s"] = bytes / c_best / 1e9;
      out["collective_median_gb_per_s"] = bytes / c_median / 1e9;
      out["collective_seconds_per_push"] = collective_seconds;
      out["ratio_collective_over_grpc"] = best / c_best;
    }
    std::printf("%s\n", out.dump().c_str());
    runner.Shutdown();
    return 0;
  });
}

BenchRegistrar kRegisterSync("sync", "weight-sync GB/s learner -> rollout worker over loopback",
                             RunBenchSync);

}  // namespace
}  // namespace rlzero::cli
