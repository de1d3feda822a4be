// Real gRPC on loopback: two in-process rollout worker servers behind a pool.
// Weights sync, sharded generation equals a local engine, a dead worker's
// shard is reassigned with nothing lost or doubled, and RPCs without the
// token are refused with UNAUTHENTICATED.
#include "rollout/remote_rollout_pool.h"

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include "policy/model_io.h"
#include "rollout/learner_service.h"
#include "rollout/rollout_service.h"
#include "rpc/server_runner.h"

namespace rlzero {
namespace {

ModelConfig TinyLlamaConfig() {
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

std::unique_ptr<WorkerServer> StartWorker(const rpc::TokenAuth& auth, uint64_t seed) {
  auto w = std::make_unique<WorkerServer>();
  w->model = *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, seed);
  w->worker = std::make_unique<RolloutWorker>(w->model, RolloutEngineOptions{}, nullptr);
  w->service = std::make_unique<RolloutServiceImpl>(w->worker.get(), auth);
  rpc::ServerOptions so;
  so.role = "test-worker";
  so.allow_no_auth = true;
  w->address = *w->runner.Start(so, {w->service.get()});
  return w;
}

std::vector<std::vector<int32_t>> Prompts() {
  std::vector<std::vector<int32_t>> p;
  for (int i = 0; i < 6; ++i) p.push_back({1 + i, 2 + i, 3});
  return p;
}

SamplingParams Params() {
  SamplingParams s;
  s.n = 3;
  s.temperature = 1.0;
  s.max_new_tokens = 8;
  s.seed = 11;
  return s;
}

TEST(RemoteRolloutPoolTest, ShardedGenerationEqualsLocalEngine) {
  auto auth = rpc::TokenAuth::FromToken("tok");
  auto w1 = StartWorker(auth, 5), w2 = StartWorker(auth, 6);
  auto learner = *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, 42);
  RemoteRolloutPool pool(auth, {});
  ASSERT_TRUE(pool.AddWorker(w1->address).ok());
  ASSERT_TRUE(pool.AddWorker(w2->address).ok());
  ASSERT_TRUE(pool.PublishWeights(*learner, 1).ok());
  EXPECT_EQ(w1->worker->weights_version(), 1);
  EXPECT_EQ(w2->worker->weights_version(), 1);
  auto remote = pool.Generate(Prompts(), Params(), 1);
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  RolloutEngine local(learner, RolloutEngineOptions{}, nullptr);
  auto expect = local.Generate(Prompts(), Params());
  ASSERT_TRUE(expect.ok());
  ASSERT_EQ(remote->size(), expect->size());
  for (size_t i = 0; i < expect->size(); ++i) {
    EXPECT_EQ((*remote)[i].prompt_index, (*expect)[i].prompt_index);
    EXPECT_EQ((*remote)[i].sample_index, (*expect)[i].sample_index);
    EXPECT_EQ((*remote)[i].token_ids, (*expect)[i].token_ids) << i;
  }
}

TEST(RemoteRolloutPoolTest, DeadWorkerShardIsReassignedExactlyOnce) {
  auto auth = rpc::TokenAuth::FromToken("tok");
  auto w1 = StartWorker(auth, 5), w2 = StartWorker(auth, 6);
  auto learner = *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, 42);
  RemoteRolloutPoolOptions o;
  o.generate_timeout_ms = 5000;
  RemoteRolloutPool pool(auth, o);
  ASSERT_TRUE(pool.AddWorker(w1->address).ok());
  ASSERT_TRUE(pool.AddWorker(w2->address).ok());
  ASSERT_TRUE(pool.PublishWeights(*learner, 1).ok());
  w2->runner.Shutdown();  // dies after taking the weights
  auto out = pool.Generate(Prompts(), Params(), 1);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), Prompts().size() * 3);
  for (size_t i = 0; i < out->size(); ++i) {
    EXPECT_EQ((*out)[i].prompt_index, static_cast<int32_t>(i / 3));
    EXPECT_EQ((*out)[i].sample_index, static_cast<int32_t>(i % 3));
  }
  EXPECT_GE(pool.stats().reassigned_shards, 1);
  EXPECT_EQ(pool.live_workers(), 1);
}

TEST(RemoteRolloutPoolTest, WorkerRefusesCallsWithoutOrWithWrongToken) {
  auto w = StartWorker(rpc::TokenAuth::FromToken("right"), 5);
  auto learner = *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, 1);
  for (const char* token : {"", "wrong"}) {
    RemoteRolloutPool pool(rpc::TokenAuth::FromToken(token), {});
    ASSERT_TRUE(pool.AddWorker(w->address).ok());
    Status s = pool.PublishWeights(*learner, 1);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("bearer token"), std::string::npos) << s.message();
    auto channel = grpc::CreateChannel(w->address, grpc::InsecureChannelCredentials());
    auto stub = v1::RolloutService::NewStub(channel);
    grpc::ClientContext ctx;
    rpc::TokenAuth::FromToken(token).Attach(&ctx);
    v1::WorkerStatusResponse resp;
    EXPECT_EQ(stub->GetStatus(&ctx, v1::WorkerStatusRequest(), &resp).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    grpc::ClientContext ctx2;
    rpc::TokenAuth::FromToken(token).Attach(&ctx2);
    v1::GenerateRequest req;
    v1::GenerateResponse gresp;
    EXPECT_EQ(stub->Generate(&ctx2, req, &gresp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_EQ(w->worker->weights_version(), 0);
}

TEST(RemoteRolloutPoolTest, MalformedRequestsAreInvalidArgument) {
  auto auth = rpc::TokenAuth::FromToken("t");
  auto w = StartWorker(auth, 5);
  auto stub = v1::RolloutService::NewStub(
      grpc::CreateChannel(w->address, grpc::InsecureChannelCredentials()));
  auto call = [&](const v1::GenerateRequest& req) {
    grpc::ClientContext ctx;
    auth.Attach(&ctx);
    v1::GenerateResponse resp;
    return stub->Generate(&ctx, req, &resp).error_code();
  };
  v1::GenerateRequest req;  // no prompts
  EXPECT_EQ(call(req), grpc::StatusCode::INVALID_ARGUMENT);
  req.add_prompts()->add_ids(1);
  req.mutable_params()->set_n(0);
  EXPECT_EQ(call(req), grpc::StatusCode::INVALID_ARGUMENT);
  req.mutable_params()->set_n(1);
  req.mutable_params()->set_max_new_tokens(4);
  req.mutable_params()->set_temperature(1.0);
  req.mutable_params()->set_top_p(1.0);
  req.mutable_prompts(0)->add_ids(999999);  // out of vocabulary
  req.set_weights_version(-1);
  EXPECT_EQ(call(req), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(LearnerServiceTest, WorkersRegisterByAddress) {
  auto auth = rpc::TokenAuth::FromToken("t");
  RemoteRolloutPool pool(auth, {});
  LearnerServiceImpl learner_service(&pool, auth, "llama");
  rpc::ServerRunner runner;
  rpc::ServerOptions so;
  so.role = "test-learner";
  so.allow_no_auth = true;
  auto addr = runner.Start(so, {&learner_service});
  ASSERT_TRUE(addr.ok());
  auto w = StartWorker(auth, 5);
  ASSERT_TRUE(RegisterWithLearner(*addr, w->address, "w", auth, {}, 5000).ok());
  EXPECT_EQ(pool.live_workers(), 1);
  Status bad =
      RegisterWithLearner(*addr, w->address, "w", rpc::TokenAuth::FromToken("no"), {}, 5000);
  EXPECT_EQ(bad.code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace rlzero
