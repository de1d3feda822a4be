// tests/rollout/collective_weights_test.cc: collective weight sync over real
// gRPC and real c10d Gloo groups on loopback: the fingerprint rules, a pool
// publishing every version exactly to two in-process workers (and sampling
// like a local engine), a worker that dies and one that joins later, and the
// worker refusing bad or unauthenticated requests without touching its model.
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include "rollout/collective_weight_receiver.h"
#include "rollout/collective_weight_sender.h"
#include "rollout/remote_rollout_pool.h"
#include "rollout/weight_fingerprint.h"
#include "tests/rollout/worker_server.h"

namespace rlzero {
namespace {

using testing::SameWeights;
using testing::StartWorker;
using testing::TinyLlamaConfig;

std::shared_ptr<CausalLM> Learner(uint64_t seed = 42) {
  return *BuildModel(TinyLlamaConfig(), torch::kCPU, torch::kFloat32, seed);
}

void Nudge(CausalLM& model, float by) {
  torch::NoGradGuard no_grad;
  for (auto& p : model.parameters()) p.add_(by);
}

RemoteRolloutPoolOptions Collective() {
  RemoteRolloutPoolOptions o;
  o.weight_transport = "collective";
  o.collective_backend = "gloo";
  o.weights_timeout_ms = 20'000;
  o.generate_timeout_ms = 20'000;
  return o;
}

TEST(WeightFingerprintTest, CpuRuleIsTheStreamChecksumAndBothRulesSeeOneWord) {
  auto model = Learner();
  auto snap = SnapshotWeights(*model, 1);
  ASSERT_TRUE(snap.ok());
  std::vector<NamedTensor> tensors = (*snap)->tensors;
  auto cpu = WeightFingerprint(tensors);
  ASSERT_TRUE(cpu.ok()) << cpu.status().ToString();
  EXPECT_EQ(*cpu, (*snap)->checksum);
  auto words = WordSumFingerprint(tensors);
  ASSERT_TRUE(words.ok());

  // Deep copies, then one bf16-sized word of one tensor changed.
  std::vector<NamedTensor> changed;
  for (const auto& t : tensors) changed.push_back({t.name, t.tensor.clone()});
  changed[3].tensor.view(torch::kInt16).reshape({-1})[5] += 1;
  EXPECT_NE(*WeightFingerprint(changed), *cpu);
  EXPECT_NE(*WordSumFingerprint(changed), *words);
  // Two tensors of one shape swapped.
  std::vector<NamedTensor> swapped = tensors;
  size_t a = 0, b = 0;
  for (size_t i = 0; i < swapped.size() && b == 0; ++i)
    for (size_t j = i + 1; j < swapped.size(); ++j)
      if (swapped[i].tensor.sizes() == swapped[j].tensor.sizes() &&
          !torch::equal(swapped[i].tensor, swapped[j].tensor)) {
        a = i, b = j;
        break;
      }
  ASSERT_NE(b, 0u);
  std::swap(swapped[a].tensor, swapped[b].tensor);
  EXPECT_NE(*WeightFingerprint(swapped), *cpu);
  EXPECT_NE(*WordSumFingerprint(swapped), *words);
  // A tensor dropped.
  std::vector<NamedTensor> shorter(tensors.begin(), tensors.end() - 1);
  EXPECT_NE(*WordSumFingerprint(shorter), *words);

  std::vector<NamedTensor> strided{{"t", torch::zeros({4, 4}).t()}};
  EXPECT_EQ(WeightFingerprint(strided).status().code(), StatusCode::kInvalidArgument);
  std::vector<NamedTensor> odd{{"b", torch::zeros({3}, torch::kUInt8)}};
  EXPECT_EQ(WeightFingerprint(odd).status().code(), StatusCode::kInvalidArgument);
}

// Two in-process workers behind a pool with collective sync.
class CollectiveSyncTwoWorkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pool.AddWorker(w1->address).ok());
    ASSERT_TRUE(pool.AddWorker(w2->address).ok());
  }
  rpc::TokenAuth auth = rpc::TokenAuth::FromToken("tok");
  std::unique_ptr<testing::WorkerServer> w1 = StartWorker(auth, 5), w2 = StartWorker(auth, 6);
  std::shared_ptr<CausalLM> learner = Learner();
  RemoteRolloutPool pool{auth, Collective()};
};

TEST_F(CollectiveSyncTwoWorkersTest, EveryVersionLandsExactlyAndSamplesLikeTheLocalEngine) {
  for (int64_t v = 1; v <= 4; ++v) {
    Nudge(*learner, 0.125f);
    Status s = pool.PublishWeights(*learner, v);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(w1->worker->weights_version(), v);
    EXPECT_EQ(w2->worker->weights_version(), v);
    EXPECT_TRUE(SameWeights(*learner, *w1->model)) << v;
    EXPECT_TRUE(SameWeights(*learner, *w2->model)) << v;
  }
  EXPECT_EQ(pool.stats().snapshots_reused, 2);
  EXPECT_EQ(pool.live_workers(), 2);

  SamplingParams sp;
  sp.n = 2;
  sp.temperature = 1.0;
  sp.max_new_tokens = 6;
  sp.seed = 3;
  std::vector<std::vector<int32_t>> prompts = {{1, 2, 3}, {4, 5}, {6}, {7, 8, 9}};
  auto remote = pool.Generate(prompts, sp, 4);
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  RolloutEngine local(learner, RolloutEngineOptions{}, nullptr);
  auto expect = local.Generate(prompts, sp);
  ASSERT_TRUE(expect.ok());
  ASSERT_EQ(remote->size(), expect->size());
  for (size_t i = 0; i < expect->size(); ++i)
    EXPECT_EQ((*remote)[i].token_ids, (*expect)[i].token_ids) << i;
}

// A worker that goes away (server and process state gone, as after kill -9)
// is marked dead at the next publish, the other keeps getting versions, and a
// worker added later joins a group of its own and catches up.
TEST_F(CollectiveSyncTwoWorkersTest, DeadWorkerIsDroppedAndANewOneJoins) {
  ASSERT_TRUE(pool.PublishWeights(*learner, 1).ok());
  w2->runner.Shutdown();
  w2.reset();  // its receiver and group go too
  Nudge(*learner, 1.0f);
  Status s = pool.PublishWeights(*learner, 2);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(pool.live_workers(), 1);
  EXPECT_EQ(w1->worker->weights_version(), 2);
  EXPECT_TRUE(SameWeights(*learner, *w1->model));

  auto w3 = StartWorker(auth, 7);
  ASSERT_TRUE(pool.AddWorker(w3->address).ok());
  Nudge(*learner, 1.0f);
  ASSERT_TRUE(pool.PublishWeights(*learner, 3).ok());
  EXPECT_EQ(pool.live_workers(), 2);
  EXPECT_EQ(w3->worker->weights_version(), 3);
  EXPECT_TRUE(SameWeights(*learner, *w3->model));
  EXPECT_TRUE(SameWeights(*learner, *w1->model));
}

grpc::StatusCode Join(v1::RolloutService::Stub& stub, const rpc::TokenAuth& auth,
                      const std::string& group_id, const std::string& backend, int64_t timeout_ms) {
  grpc::ClientContext ctx;
  auth.Attach(&ctx);
  v1::JoinWeightGroupRequest req;
  req.set_group_id(group_id);
  req.set_backend(backend);
  req.set_timeout_ms(timeout_ms);
  v1::JoinWeightGroupResponse resp;
  return stub.JoinWeightGroup(&ctx, req, &resp).error_code();
}

// A LoadWeightsCollective naming `group_id` and no tensors (refused before
// any broadcast).
grpc::StatusCode LoadFor(v1::RolloutService::Stub& stub, const rpc::TokenAuth& auth,
                         const std::string& group_id) {
  grpc::ClientContext ctx;
  auth.Attach(&ctx);
  v1::CollectiveWeightsRequest req;
  req.set_group_id(group_id);
  v1::LoadWeightsResponse resp;
  return stub.LoadWeightsCollective(&ctx, req, &resp).error_code();
}

TEST(CollectiveWeightSyncTest, BadAndUnauthenticatedRequestsAreRefused) {
  auto auth = rpc::TokenAuth::FromToken("right");
  auto w = StartWorker(auth, 5);
  auto stub = v1::RolloutService::NewStub(
      grpc::CreateChannel(w->address, grpc::InsecureChannelCredentials()));
  const std::string id(32, 'a');
  for (const char* token : {"", "wrong"}) {
    auto bad = rpc::TokenAuth::FromToken(token);
    EXPECT_EQ(Join(*stub, bad, id, "gloo", 1000), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(LoadFor(*stub, bad, ""), grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_EQ(Join(*stub, auth, "short", "gloo", 1000), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Join(*stub, auth, std::string(31, 'a') + "/", "gloo", 1000),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Join(*stub, auth, id, "mpi", 1000), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Join(*stub, auth, id, "gloo", 0), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Join(*stub, auth, id, "nccl", 1000), grpc::StatusCode::FAILED_PRECONDITION);
  // A load for a group never joined.
  EXPECT_EQ(LoadFor(*stub, auth, std::string(32, 'b')), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(w->worker->weights_version(), 0);
}

// A learner that asks to join and never comes: a second join answers at
// once, and the worker shuts down at once, without waiting for the first
// join's (10-minute) timeout. A regression would hold this test past its
// ctest timeout.
TEST(CollectiveWeightSyncTest, AbandonedJoinsAreNeverWaitedFor) {
  auto auth = rpc::TokenAuth::FromToken("tok");
  auto w = StartWorker(auth, 5);
  auto stub = v1::RolloutService::NewStub(
      grpc::CreateChannel(w->address, grpc::InsecureChannelCredentials()));
  EXPECT_EQ(Join(*stub, auth, std::string(32, 'a'), "gloo", 600'000), grpc::StatusCode::OK);
  EXPECT_EQ(Join(*stub, auth, std::string(32, 'b'), "gloo", 600'000), grpc::StatusCode::OK);
  // A load for the abandoned group is refused; the current one would wait.
  EXPECT_EQ(LoadFor(*stub, auth, std::string(32, 'a')), grpc::StatusCode::FAILED_PRECONDITION);
  w->runner.Shutdown();
  w.reset();
}

// Through a real group: a wrong fingerprint is DATA_LOSS, a version over the
// worker's byte limit and a model of another shape are INVALID_ARGUMENT; the
// worker keeps its version and weights each time, and the next good version
// lands through a fresh group.
TEST(CollectiveWeightSyncTest, RefusedVersionsLeaveTheWorkerAsItWas) {
  auto auth = rpc::TokenAuth::FromToken("tok");
  auto w = StartWorker(auth, 5);
  auto stub = v1::RolloutService::NewStub(
      grpc::CreateChannel(w->address, grpc::InsecureChannelCredentials()));
  const auto timeout = std::chrono::milliseconds(20'000);
  auto learner = Learner();
  auto snap = SnapshotWeights(*learner, 1);
  ASSERT_TRUE(snap.ok());
  auto before = Learner(5);  // the worker's initial weights
  ASSERT_TRUE(SameWeights(*before, *w->model));

  auto sender = CollectiveWeightSender::Join(*stub, auth, w->address, "gloo", timeout);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  auto wrong = (*sender)->Send(*stub, auth, **snap, (*snap)->checksum + 1, timeout);
  EXPECT_EQ(wrong.status().code(), StatusCode::kDataLoss) << wrong.status().ToString();
  EXPECT_EQ(w->worker->weights_version(), 0);
  EXPECT_TRUE(SameWeights(*before, *w->model));
  // The failed group is not reused.
  EXPECT_EQ((*sender)->Send(*stub, auth, **snap, (*snap)->checksum, timeout).status().code(),
            StatusCode::kFailedPrecondition);

  ModelConfig wide = TinyLlamaConfig();
  wide.hidden_size = 48;
  wide.head_dim = 12;
  auto other = *BuildModel(wide, torch::kCPU, torch::kFloat32, 7);
  auto other_snap = SnapshotWeights(*other, 2);
  ASSERT_TRUE(other_snap.ok());
  auto s2 = CollectiveWeightSender::Join(*stub, auth, w->address, "gloo", timeout);
  ASSERT_TRUE(s2.ok()) << s2.status().ToString();
  auto shape = (*s2)->Send(*stub, auth, **other_snap, (*other_snap)->checksum, timeout);
  EXPECT_EQ(shape.status().code(), StatusCode::kInvalidArgument) << shape.status().ToString();
  EXPECT_EQ(w->worker->weights_version(), 0);
  EXPECT_TRUE(SameWeights(*before, *w->model));

  auto s3 = CollectiveWeightSender::Join(*stub, auth, w->address, "gloo", timeout);
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  auto good = (*s3)->Send(*stub, auth, **snap, (*snap)->checksum, timeout);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->version(), 1);
  EXPECT_EQ(w->worker->weights_version(), 1);
  EXPECT_TRUE(SameWeights(*learner, *w->model));
}

TEST(CollectiveWeightSyncTest, VersionOverTheWorkersLimitIsRefusedBeforeAllocating) {
  auto auth = rpc::TokenAuth::FromToken("tok");
  RolloutServiceLimits limits;
  limits.max_weight_bytes = 4096;  // far below the tiny model's size
  auto w = StartWorker(auth, 5, limits);
  auto stub = v1::RolloutService::NewStub(
      grpc::CreateChannel(w->address, grpc::InsecureChannelCredentials()));
  const auto timeout = std::chrono::milliseconds(20'000);
  auto snap = SnapshotWeights(*Learner(), 1);
  ASSERT_TRUE(snap.ok());
  auto sender = CollectiveWeightSender::Join(*stub, auth, w->address, "gloo", timeout);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  auto r = (*sender)->Send(*stub, auth, **snap, (*snap)->checksum, timeout);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  EXPECT_NE(r.status().message().find("limit"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(w->worker->weights_version(), 0);
}

TEST(CollectiveWeightSyncTest, HostOfAddressReadsPeerAndDialStrings) {
  EXPECT_EQ(HostOfAddress("ipv4:10.0.0.7:5000"), "10.0.0.7");
  EXPECT_EQ(HostOfAddress("ipv6:[fe80::1]:5000"), "fe80::1");
  EXPECT_EQ(HostOfAddress("ipv6:[::1]:5000"), "127.0.0.1");
  EXPECT_EQ(HostOfAddress("unix:/tmp/w.sock"), "127.0.0.1");
  EXPECT_EQ(HostOfAddress("localhost:7"), "127.0.0.1");
  EXPECT_EQ(HostOfAddress("worker-3.cluster:7001"), "worker-3.cluster");
  EXPECT_EQ(HostOfAddress("dns:///worker-3:7001"), "worker-3");
}

}  // namespace
}  // namespace rlzero
