// tests/learner/distributed/data_parallel_group_test.cc: the collectives of
// rlzero_distributed between two ranks that are two threads of this process
// (each with its own TCPStore client and ProcessGroupGloo over loopback), and
// their world-size-1 no-op behaviour. Expected values are closed-form
// (sums of rank-dependent constants).
#include "learner/distributed/data_parallel_group.h"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "learner/distributed/model_sync.h"
#include "learner/distributed/rank_zero.h"
#include "learner/distributed/scalar_reduce.h"
#include "tests/learner/distributed/two_gloo_ranks.h"

namespace rlzero {
namespace {

// Runs body(group) on ranks 0 and 1 of a Gloo group concurrently.
void RunTwoRanks(const std::function<void(DataParallelGroup&)>& body) {
  testing::RunTwoGlooRanks([&](int, DataParallelGroup& g) { body(g); });
}

TEST(DataParallelGroupTest, SingleProcessOpsAreNoOps) {
  auto group = DataParallelGroup::Create(DistributedContext{});
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  EXPECT_EQ((*group)->backend_name(), "none");
  std::vector<torch::Tensor> t{torch::full({3}, 2.0)};
  ASSERT_TRUE((*group)->AllReduce(t, ReduceOp::kMean).ok());
  EXPECT_TRUE(torch::equal(t[0], torch::full({3}, 2.0)));
  auto s = AllReduceScalars(**group, {1.5, 2.0});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (std::vector<double>{1.5, 2.0}));
  EXPECT_TRUE((*group)->Barrier().ok());
  int calls = 0;
  EXPECT_TRUE(RunOnRankZero(**group, [&] {
                ++calls;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(calls, 1);
}

TEST(DataParallelGroupTest, BadOptionsAreErrors) {
  DataParallelOptions o;
  o.backend = "mpi";
  auto g = DataParallelGroup::Create(DistributedContext{}, o);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("mpi"), std::string::npos);
  o.backend = "gloo";
  o.timeout_ms = 0;
  EXPECT_FALSE(DataParallelGroup::Create(DistributedContext{}, o).ok());
}

TEST(DataParallelGroupTest, TwoRanksBroadcastAllReduceAndScalars) {
  RunTwoRanks([](DataParallelGroup& g) {
    const double r = g.rank();
    std::vector<torch::Tensor> b{torch::full({4}, 10.0 + r), torch::full({2, 2}, 20.0 + r)};
    ASSERT_TRUE(g.Broadcast(b, 0).ok());
    EXPECT_TRUE(torch::equal(b[0], torch::full({4}, 10.0)));
    EXPECT_TRUE(torch::equal(b[1], torch::full({2, 2}, 20.0)));

    std::vector<torch::Tensor> a{torch::full({3}, 1.0 + r)};  // 1 and 2
    ASSERT_TRUE(g.AllReduce(a, ReduceOp::kMean).ok());
    EXPECT_TRUE(torch::allclose(a[0], torch::full({3}, 1.5)));

    auto sums = AllReduceScalars(g, {1.0 + r, 10.0 * (r + 1)}, ReduceOp::kSum);
    ASSERT_TRUE(sums.ok()) << sums.status().ToString();
    EXPECT_EQ(*sums, (std::vector<double>{3.0, 30.0}));
    auto maxes = AllReduceScalars(g, {r}, ReduceOp::kMax);
    ASSERT_TRUE(maxes.ok());
    EXPECT_EQ((*maxes)[0], 1.0);
    EXPECT_TRUE(g.Barrier().ok());
  });
}

TEST(DataParallelGroupTest, ManyGradientsGoThroughFewBuckets) {
  RunTwoRanks([](DataParallelGroup& g) {
    // 300 parameters of 16 floats (64 B): 1 KiB buckets hold 16 of them.
    std::vector<torch::Tensor> params;
    for (int i = 0; i < 300; ++i) {
      auto p = torch::zeros({4, 4}, torch::kFloat32).requires_grad_(true);
      p.mutable_grad() = torch::full({4, 4}, static_cast<float>(i + 100 * g.rank()));
      params.push_back(p);
    }
    // One parameter without a gradient on rank 1 only: counts as zeros there.
    if (g.rank() == 1) params[7].mutable_grad() = torch::Tensor();
    auto stats = AllReduceGradients(g, params, ReduceOp::kMean, /*bucket_bytes=*/1024);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->tensors, 300);
    EXPECT_EQ(stats->buckets, 19);  // ceil(300 / 16)
    for (int i = 0; i < 300; ++i) {
      const float expect = i == 7 ? 7.0f / 2 : (2.0f * i + 100.0f) / 2;  // (i + (i + 100)) / 2
      EXPECT_TRUE(torch::allclose(params[i].grad(), torch::full({4, 4}, expect)))
          << "param " << i << " on rank " << g.rank();
    }
  });
}

TEST(DataParallelGroupTest, ModuleStateComesFromRankZero) {
  RunTwoRanks([](DataParallelGroup& g) {
    torch::manual_seed(0);
    torch::nn::Sequential net(torch::nn::Linear(3, 4), torch::nn::BatchNorm1d(4));
    torch::NoGradGuard no_grad;
    for (auto& p : net->parameters()) p.fill_(1.0 + g.rank());
    for (auto& b : net->buffers()) b.fill_(5.0 + g.rank());
    ASSERT_TRUE(BroadcastModuleState(g, *net, /*bucket_bytes=*/16).ok());
    for (auto& p : net->parameters()) EXPECT_TRUE(torch::all(p == 1.0).item<bool>());
    for (auto& b : net->buffers()) EXPECT_TRUE(torch::all(b == 5.0).item<bool>());
  });
}

TEST(DataParallelGroupTest, RankZeroFailureReachesEveryRank) {
  RunTwoRanks([](DataParallelGroup& g) {
    int calls = 0;
    Status st = RunOnRankZero(g, [&] {
      ++calls;
      return DataLoss("disk full writing checkpoint");
    });
    EXPECT_EQ(calls, g.rank() == 0 ? 1 : 0);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), StatusCode::kDataLoss);
    if (g.rank() == 0) EXPECT_NE(st.message().find("disk full"), std::string::npos);
    EXPECT_TRUE(RunOnRankZero(g, [] { return Status::Ok(); }).ok());
  });
}

TEST(DataParallelGroupTest, BytesComeFromRankZero) {
  RunTwoRanks([](DataParallelGroup& g) {
    std::string payload = g.rank() == 0 ? std::string("scored groups\0 of step 3", 24) : "stale";
    ASSERT_TRUE(BroadcastBytes(g, payload).ok());
    EXPECT_EQ(payload, std::string("scored groups\0 of step 3", 24));
    std::string empty = g.rank() == 0 ? "" : "not empty";
    ASSERT_TRUE(BroadcastBytes(g, empty).ok());
    EXPECT_TRUE(empty.empty());
  });
}

TEST(DataParallelGroupTest, UnreachableStoreFailsWithinTimeout) {
  DistributedContext ctx;
  ctx.rank = 1;
  ctx.world_size = 2;
  ctx.master_port = testing::FreeLoopbackPort();  // nobody serves it
  DataParallelOptions opts;
  opts.timeout_ms = 2'000;
  auto group = DataParallelGroup::Create(ctx, opts);
  ASSERT_FALSE(group.ok());
  EXPECT_EQ(group.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(group.status().message().find("127.0.0.1:" + std::to_string(ctx.master_port)),
            std::string::npos)
      << group.status().ToString();
}

// Groups on a store served by one member (weight-sync pairs): two groups
// share one store under different key prefixes and do not mix; a member
// with the wrong prefix never meets the others and times out.
TEST(DataParallelGroupTest, GroupsOnAServedStoreAreSeparatedByPrefix) {
  auto server = StoreServer::Start(10'000);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_GT((*server)->port(), 0);
  DataParallelOptions opts;
  opts.backend = "gloo";
  opts.timeout_ms = 10'000;
  auto member = [&](int rank) {
    DistributedContext ctx;
    ctx.rank = rank;
    ctx.world_size = 2;
    ctx.master_port = (*server)->port();
    ctx.source = "test";
    return ctx;
  };
  auto run_pair = [&](const std::string& prefix, double value) {
    std::vector<double> got(2, -1);
    std::thread served([&] {
      auto g = DataParallelGroup::CreateOnStore(member(1), opts, prefix, server->get());
      ASSERT_TRUE(g.ok()) << g.status().ToString();
      std::vector<torch::Tensor> t{torch::zeros({3})};
      ASSERT_TRUE((*g)->Broadcast(t, 0).ok());
      got[1] = t[0][2].item<double>();
    });
    auto g = DataParallelGroup::CreateOnStore(member(0), opts, prefix);  // connects
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    EXPECT_EQ((*g)->backend_name(), "gloo");
    std::vector<torch::Tensor> t{torch::full({3}, value)};
    ASSERT_TRUE((*g)->Broadcast(t, 0).ok());
    got[0] = t[0][2].item<double>();
    served.join();
    EXPECT_EQ(got, (std::vector<double>{value, value}));
  };
  std::thread a([&] { run_pair("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1.0); });
  std::thread b([&] { run_pair("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 2.0); });
  a.join();
  b.join();

  // Nobody else ever joins under this prefix.
  DataParallelOptions fast = opts;
  fast.timeout_ms = 1'500;
  auto lonely =
      DataParallelGroup::CreateOnStore(member(0), fast, "cccccccccccccccccccccccccccccccc");
  ASSERT_FALSE(lonely.ok());
  EXPECT_EQ(lonely.status().code(), StatusCode::kUnavailable) << lonely.status().ToString();
}

TEST(DataParallelGroupTest, CreateOnStoreRejectsBadArguments) {
  DistributedContext ctx;  // world size 1
  EXPECT_EQ(DataParallelGroup::CreateOnStore(ctx, {}, "p").status().code(),
            StatusCode::kInvalidArgument);
  ctx.world_size = 2;
  ctx.rank = 2;
  EXPECT_EQ(DataParallelGroup::CreateOnStore(ctx, {}, "p").status().code(),
            StatusCode::kInvalidArgument);
  ctx.rank = 0;
  EXPECT_EQ(DataParallelGroup::CreateOnStore(ctx, {}, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(StoreServer::Start(0).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rlzero
