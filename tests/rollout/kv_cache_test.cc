// tests/rollout/kv_cache_test.cc: SlotKvCache writes, views, masks and slot
// management, checked against values written by hand.
#include "rollout/kv_cache.h"

#include <gtest/gtest.h>

namespace rlzero {
namespace {

KvCacheShape SmallShape() {
  KvCacheShape s;
  s.num_layers = 2;
  s.num_slots = 3;
  s.max_len = 6;
  s.num_kv_heads = 1;
  s.head_dim = 2;
  return s;
}

// k for `rows` rows, T tokens: value = 100 * row + 10 * t + base.
torch::Tensor Kv(int64_t rows, int64_t T, float base) {
  auto k = torch::empty({rows, 1, T, 2});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t t = 0; t < T; ++t) k[r][0][t].fill_(100.0f * r + 10.0f * t + base);
  return k;
}

TEST(SlotKvCacheTest, RejectsBadShape) {
  KvCacheShape s = SmallShape();
  s.max_len = 0;
  auto c = SlotKvCache::Create(s);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("max_len 0"), std::string::npos);
}

TEST(SlotKvCacheTest, PrefillThenDecodeWithPerSlotLengths) {
  auto made = SlotKvCache::Create(SmallShape());
  ASSERT_TRUE(made.ok());
  SlotKvCache& c = **made;
  // Prefill 3 rows, T = 2, real lengths 2, 1, 2 (row 1 padded).
  ASSERT_TRUE(c.BeginStep(0, 3, 2).ok());
  EXPECT_TRUE(
      torch::equal(c.positions(), torch::tensor({0, 1, 0, 1, 0, 1}, torch::kInt64).view({3, 2})));
  auto causal = torch::tensor({true, false, true, true}).view({1, 1, 2, 2}).expand({3, 1, 2, 2});
  EXPECT_TRUE(torch::equal(c.mask(), causal));
  for (int layer = 0; layer < 2; ++layer) {
    auto [K, V] = c.Append(layer, Kv(3, 2, layer), Kv(3, 2, layer + 0.5f));
    EXPECT_EQ(K.sizes(), (std::vector<int64_t>{3, 1, 2, 2}));
    EXPECT_TRUE(torch::equal(K, Kv(3, 2, layer)));
  }
  const int64_t valid[] = {2, 1, 2};
  c.EndStep(valid);
  EXPECT_EQ(c.length(0), 2);
  EXPECT_EQ(c.length(1), 1);

  // Decode: row 1 writes at position 1 (overwriting its padding), others at 2.
  ASSERT_TRUE(c.BeginStep(0, 3, 1).ok());
  EXPECT_TRUE(torch::equal(c.positions(), torch::tensor({2, 1, 2}, torch::kInt64).view({3, 1})));
  auto mask =
      torch::tensor({true, true, true, true, true, false, true, true, true}).view({3, 1, 1, 3});
  EXPECT_TRUE(torch::equal(c.mask(), mask));
  auto knew = Kv(3, 1, 7);
  auto [K0, V0] = c.Append(0, knew, knew + 0.5);
  EXPECT_EQ(K0.sizes(), (std::vector<int64_t>{3, 1, 3, 2}));
  EXPECT_TRUE(torch::equal(K0[0][0][2], knew[0][0][0]));
  EXPECT_TRUE(torch::equal(K0[1][0][1], knew[1][0][0]));
  EXPECT_TRUE(torch::equal(K0[2][0][2], knew[2][0][0]));
  EXPECT_TRUE(torch::equal(V0[1][0][1], knew[1][0][0] + 0.5));
  // Earlier positions untouched.
  EXPECT_TRUE(torch::equal(K0[1][0][0], Kv(3, 2, 0)[1][0][0]));
  EXPECT_TRUE(torch::equal(K0[2][0][1], Kv(3, 2, 0)[2][0][1]));
  c.Append(1, knew, knew);
  c.EndStep();
  EXPECT_EQ(c.length(0), 3);
  EXPECT_EQ(c.length(1), 2);
}

TEST(SlotKvCacheTest, ForkMoveFreeAndPrefixCopies) {
  auto made = SlotKvCache::Create(SmallShape());
  ASSERT_TRUE(made.ok());
  SlotKvCache& c = **made;
  ASSERT_TRUE(c.BeginStep(0, 1, 3).ok());
  auto k = Kv(1, 3, 1);
  c.Append(0, k, k);
  c.Append(1, k, k);
  c.EndStep();
  c.Fork(0, {1, 2}, 2);  // only the first two positions
  EXPECT_EQ(c.length(1), 2);
  EXPECT_EQ(c.length(2), 2);
  KvPrefix p = c.CopyPrefixOut(2);
  EXPECT_EQ(p.length, 2);
  EXPECT_TRUE(torch::equal(p.k[1], k[0].narrow(1, 0, 2)));

  c.Free(0);
  EXPECT_EQ(c.length(0), 0);
  c.Move(2, 0);
  EXPECT_EQ(c.length(0), 2);
  EXPECT_EQ(c.length(2), 0);
  c.CopyPrefixIn(p, 2);
  EXPECT_EQ(c.length(2), 2);
  // A decode step over slots [0, 3) sees exactly the implied keys.
  ASSERT_TRUE(c.BeginStep(0, 3, 1).ok());
  auto expect =
      torch::tensor({true, true, true, true, true, true, true, true, true}).view({3, 1, 1, 3});
  EXPECT_TRUE(torch::equal(c.mask(), expect));
  auto knew = Kv(3, 1, 50);
  auto [K, V] = c.Append(0, knew, knew);
  EXPECT_TRUE(torch::equal(K[0][0].narrow(0, 0, 2), k[0][0].narrow(0, 0, 2)));
  EXPECT_TRUE(torch::equal(K[2][0].narrow(0, 0, 2), k[0][0].narrow(0, 0, 2)));
  c.Append(1, knew, knew);
  c.EndStep();
}

TEST(SlotKvCacheTest, OverflowIsAStatus) {
  auto made = SlotKvCache::Create(SmallShape());
  ASSERT_TRUE(made.ok());
  Status st = (*made)->BeginStep(0, 1, 7);
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange);
  EXPECT_FALSE((*made)->BeginStep(2, 2, 1).ok());
}

TEST(SlotKvCacheTest, WrongShapeAppendThrowsC10Error) {
  auto made = SlotKvCache::Create(SmallShape());
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE((*made)->BeginStep(0, 2, 1).ok());
  EXPECT_THROW((*made)->Append(0, Kv(3, 1, 0), Kv(3, 1, 0)), c10::Error);
}

}  // namespace
}  // namespace rlzero
