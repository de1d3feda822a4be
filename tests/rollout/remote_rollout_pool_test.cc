// Real gRPC on loopback: two in-process rollout worker servers behind a pool.
// Weights sync, sharded generation equals a local engine, a dead worker's
// shard is reassigned with nothing lost or doubled, and RPCs without the
// token are refused with UNAUTHENTICATED.
#include "rollout/remote_rollout_pool.h"

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "policy/model_io.h"
#include "rollout/learner_service.h"
#include "rollout/rollout_service.h"
#include "rollout/weight_push.h"
#include "rollout/weight_stream.h"
#include "rpc/server_runner.h"
#include "tests/rollout/worker_server.h"

namespace rlzero {
namespace {

using testing::StartWorker;
using testing::TinyLlamaConfig;
using testing::WorkerServer;

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

void ExpectWorkerHolds(CausalLM& a, CausalLM& b) {
  auto pa = a.named_parameters(), pb = b.named_parameters();
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
}

// Versions after the first reuse the learner's snapshot and the worker's
// assembly tensors; every version still lands exactly, and a corrupt stream
// or a model of another shape in between leaves the worker's model as it was.
TEST(RemoteRolloutPoolTest, RepeatedPublishesReuseBuffersAndLoadEveryVersion) {
  auto auth = rpc::TokenAuth::FromToken("tok");
  auto w = StartWorker(auth, 5);
  auto learner = *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, 42);
  RemoteRolloutPoolOptions o;
  o.weight_chunk_bytes = 1000;  // tensors span several frames
  RemoteRolloutPool pool(auth, o);
  ASSERT_TRUE(pool.AddWorker(w->address).ok());
  for (int64_t v = 1; v <= 4; ++v) {
    {
      torch::NoGradGuard no_grad;
      for (auto& p : learner->parameters()) p.add_(0.125f);
    }
    ASSERT_TRUE(pool.PublishWeights(*learner, v).ok()) << v;
    EXPECT_EQ(w->worker->weights_version(), v);
    ExpectWorkerHolds(*learner, *w->model);
  }
  // Version 3 refilled version 1's snapshot, version 4 version 2's.
  EXPECT_EQ(pool.stats().snapshots_reused, 2);

  // A corrupt stream: frames whose bytes no longer match their checksum.
  auto snap = SnapshotWeights(*learner, 5);
  ASSERT_TRUE(snap.ok());
  auto frames = EncodeWeightFrames(*snap, 1000);
  ASSERT_TRUE(frames.ok());
  {
    torch::NoGradGuard no_grad;
    std::const_pointer_cast<WeightSnapshot>(*snap)->tensors.back().tensor.add_(1.0f);
  }
  auto channel = rpc::MakeChannel(w->address, {});
  ASSERT_TRUE(channel.ok());
  auto corrupt = PushWeightFrames(*channel, auth, std::chrono::seconds(10), *frames);
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss) << corrupt.status().ToString();
  // A short one: the final frame (with the checksum) never comes.
  frames->pop_back();
  auto shorter = PushWeightFrames(*channel, auth, std::chrono::seconds(10), *frames);
  EXPECT_EQ(shorter.status().code(), StatusCode::kDataLoss) << shorter.status().ToString();
  EXPECT_EQ(w->worker->weights_version(), 4);
  ExpectWorkerHolds(*learner, *w->model);

  // A learner model of another shape: refused, the worker keeps version 4.
  ModelConfig wide = TinyLlamaConfig();
  wide.hidden_size = 48;
  wide.head_dim = 12;
  auto other = *BuildModel(wide, torch::kCPU, torch::kFloat32, 7);
  EXPECT_FALSE(pool.PublishWeights(*other, 5).ok());
  EXPECT_EQ(w->worker->weights_version(), 4);
  ExpectWorkerHolds(*learner, *w->model);
}

// A publisher that fails halfway (the snapshot could not be copied): the
// push is cancelled, returns the publisher's error, and the worker, which got
// part of the stream, keeps the version and the weights it had.
TEST(RemoteRolloutPoolTest, PublisherFailingMidStreamLeavesTheWorkerAsItWas) {
  auto auth = rpc::TokenAuth::FromToken("tok");
  auto w = StartWorker(auth, 5);
  auto learner = *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, 42);
  RemoteRolloutPool pool(auth, {});
  ASSERT_TRUE(pool.AddWorker(w->address).ok());
  ASSERT_TRUE(pool.PublishWeights(*learner, 1).ok());
  {
    torch::NoGradGuard no_grad;
    for (auto& p : learner->parameters()) p.add_(1.0f);
  }
  auto snap = SnapshotWeights(*learner, 2);
  ASSERT_TRUE(snap.ok());
  auto frames = EncodeWeightFrames(*snap, 1000);
  ASSERT_TRUE(frames.ok());
  ASSERT_GT(frames->size(), 4u);
  WeightFrameQueue queue;
  for (size_t i = 0; i < frames->size() / 2; ++i) queue.Append((*frames)[i]);
  auto channel = rpc::MakeChannel(w->address, {});
  ASSERT_TRUE(channel.ok());
  auto push = std::async(std::launch::async, [&] {
    return PushWeightFrames(*channel, auth, std::chrono::seconds(10), queue);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // half the stream is sent
  queue.Close(Internal("snapshot failed"));
  auto resp = push.get();
  EXPECT_EQ(resp.status().code(), StatusCode::kInternal) << resp.status().ToString();
  EXPECT_EQ(w->worker->weights_version(), 1);
  // The worker's model still differs from the learner's (which moved on by 1.0).
  auto pl = learner->named_parameters();
  for (const auto& p : w->model->named_parameters())
    EXPECT_FALSE(torch::equal(p.value(), pl[p.key()])) << p.key();
  // And it takes the next complete version.
  ASSERT_TRUE(pool.PublishWeights(*learner, 2).ok());
  EXPECT_EQ(w->worker->weights_version(), 2);
  ExpectWorkerHolds(*learner, *w->model);
}

// A publish whose snapshot fails (here: a tensor that cannot be copied to
// the host) while generation pushes that very version to a worker: the
// push fails with the publisher's error, which is not the worker's fault, so
// the worker stays live. Races the two many times; before the fix the
// generation's push marked the worker dead whenever it shared the failing
// stream.
TEST(RemoteRolloutPoolTest, FailedPublishDuringGenerationDoesNotKillTheWorker) {
  auto auth = rpc::TokenAuth::FromToken("tok");
  auto w = StartWorker(auth, 5);
  auto learner = *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, 42);
  RemoteRolloutPoolOptions o;
  o.generate_timeout_ms = 20'000;
  o.weights_timeout_ms = 20'000;
  o.weight_chunk_bytes = 256;  // many frames: the push is mid-stream when the publish fails
  RemoteRolloutPool pool(auth, o);
  ASSERT_TRUE(pool.AddWorker(w->address).ok());
  ASSERT_TRUE(pool.PublishWeights(*learner, 1).ok());
  // A buffer on the meta device: listed last, and copying it to the host throws.
  learner->register_buffer("unreadable",
                           torch::empty({4}, torch::TensorOptions().device(torch::kMeta)));
  SamplingParams sp = Params();
  sp.max_new_tokens = 1;
  for (int64_t v = 2; v < 42; ++v) {
    auto publish = std::async(std::launch::async, [&] { return pool.PublishWeights(*learner, v); });
    auto out = pool.Generate(Prompts(), sp, v);
    EXPECT_FALSE(publish.get().ok()) << v;
    EXPECT_FALSE(out.ok()) << v;  // version v never came to be
    ASSERT_EQ(pool.live_workers(), 1) << "version " << v << ": " << out.status().ToString();
  }
  EXPECT_EQ(w->worker->weights_version(), 1);
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
