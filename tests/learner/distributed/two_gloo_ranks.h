// tests/learner/distributed/two_gloo_ranks.h: runs body(rank, group) on ranks
// 0 and 1 of a 2-rank Gloo DataParallelGroup over loopback, concurrently (rank
// 1 on a thread). Failures inside body are gtest failures (EXPECT_* is
// thread-safe). Test-only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "learner/distributed/data_parallel_group.h"
#include "tests/learner/distributed/free_port.h"

namespace rlzero::testing {

inline void RunTwoGlooRanks(const std::function<void(int, DataParallelGroup&)>& body) {
  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  auto rank_main = [&](int rank) {
    DistributedContext ctx;
    ctx.rank = rank;
    ctx.world_size = 2;
    ctx.master_addr = "127.0.0.1";
    ctx.master_port = port;
    ctx.source = "test";
    DataParallelOptions opts;
    opts.timeout_ms = 20'000;
    auto group = DataParallelGroup::Create(ctx, opts);
    ASSERT_TRUE(group.ok()) << group.status().ToString();
    EXPECT_EQ((*group)->backend_name(), "gloo");
    body(rank, **group);
  };
  std::thread r1(rank_main, 1);
  rank_main(0);
  r1.join();
}

}  // namespace rlzero::testing
