// tests/rollout/worker_server.h: an in-process rollout worker server on
// loopback gRPC (a tiny llama, its RolloutWorker and RolloutService), shared
// by the weight-sync and remote-pool tests.
#pragma once

#include <memory>
#include <string>

#include "policy/model_io.h"
#include "rollout/rollout_service.h"
#include "rpc/server_runner.h"

namespace rlzero::testing {

inline ModelConfig TinyLlamaConfig() {
  ModelConfig c;
  c.model_type = "llama";
  c.vocab_size = 30;
  c.hidden_size = 32;
  c.intermediate_size = 64;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  c.max_position_embeddings = 128;
  return c;
}

struct WorkerServer {
  std::shared_ptr<CausalLM> model;
  std::unique_ptr<RolloutWorker> worker;
  std::unique_ptr<RolloutServiceImpl> service;
  rpc::ServerRunner runner;
  std::string address;
};

// The service checks `auth` itself (the server runs with allow_no_auth).
inline std::unique_ptr<WorkerServer> StartWorker(const rpc::TokenAuth& auth, uint64_t seed,
                                                 RolloutServiceLimits limits = {}) {
  auto w = std::make_unique<WorkerServer>();
  w->model = *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, seed);
  w->worker = std::make_unique<RolloutWorker>(w->model, RolloutEngineOptions{}, nullptr);
  w->service = std::make_unique<RolloutServiceImpl>(w->worker.get(), auth, limits);
  rpc::ServerOptions so;
  so.role = "test-worker";
  so.allow_no_auth = true;
  w->address = *w->runner.Start(so, {w->service.get()});
  return w;
}

// Every parameter of `worker` equals `learner`'s, bit for bit.
inline bool SameWeights(CausalLM& learner, CausalLM& worker) {
  auto pl = learner.named_parameters();
  for (const auto& p : worker.named_parameters())
    if (!torch::equal(p.value(), pl[p.key()])) return false;
  return true;
}

}  // namespace rlzero::testing
