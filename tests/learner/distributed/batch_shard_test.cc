// tests/learner/distributed/batch_shard_test.cc: shards partition the batch.
#include "learner/distributed/batch_shard.h"

#include <gtest/gtest.h>

#include <vector>

namespace rlzero {
namespace {

std::vector<size_t> Shard(size_t n, int r, int w, ShardMode m) {
  auto s = ShardIndices(n, r, w, m);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : std::vector<size_t>{};
}

TEST(BatchShardTest, ContiguousBlocksFirstRanksTakeTheRemainder) {
  // 7 over 3 ranks: sizes 3, 2, 2.
  EXPECT_EQ(Shard(7, 0, 3, ShardMode::kContiguous), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(Shard(7, 1, 3, ShardMode::kContiguous), (std::vector<size_t>{3, 4}));
  EXPECT_EQ(Shard(7, 2, 3, ShardMode::kContiguous), (std::vector<size_t>{5, 6}));
}

TEST(BatchShardTest, StridedTakesEveryWorldSizeTh) {
  EXPECT_EQ(Shard(7, 0, 3, ShardMode::kStrided), (std::vector<size_t>{0, 3, 6}));
  EXPECT_EQ(Shard(7, 1, 3, ShardMode::kStrided), (std::vector<size_t>{1, 4}));
  EXPECT_EQ(Shard(7, 2, 3, ShardMode::kStrided), (std::vector<size_t>{2, 5}));
}

TEST(BatchShardTest, ShardsPartitionEveryBatch) {
  for (ShardMode m : {ShardMode::kContiguous, ShardMode::kStrided}) {
    for (size_t n = 0; n < 20; ++n) {
      for (int w = 1; w <= 5; ++w) {
        std::vector<int> seen(n, 0);
        for (int r = 0; r < w; ++r) {
          auto s = Shard(n, r, w, m);
          EXPECT_LE(s.size(), n / w + 1);
          EXPECT_GE(s.size(), n / w);
          for (size_t i : s) {
            ASSERT_LT(i, n);
            seen[i]++;
          }
        }
        for (size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "n=" << n << " w=" << w;
      }
    }
  }
}

TEST(BatchShardTest, FewerSamplesThanRanksGivesEmptyShards) {
  EXPECT_EQ(Shard(1, 0, 2, ShardMode::kContiguous), (std::vector<size_t>{0}));
  EXPECT_TRUE(Shard(1, 1, 2, ShardMode::kContiguous).empty());
}

TEST(BatchShardTest, BadArgumentsAreErrors) {
  EXPECT_FALSE(ShardIndices(4, 2, 2).ok());
  EXPECT_FALSE(ShardIndices(4, -1, 2).ok());
  EXPECT_FALSE(ShardIndices(4, 0, 0).ok());
  EXPECT_TRUE(ParseShardMode("strided").ok());
  auto bad = ParseShardMode("random");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("random"), std::string::npos);
}

}  // namespace
}  // namespace rlzero
