// tests/policy/tokenizer/word_cache_test.cc: the BPE word cache and the merge
// pair table (lookup, growth, bounds, first insertion wins).
#include "policy/tokenizer/word_cache.h"

#include <gtest/gtest.h>

#include "policy/tokenizer/pair_table.h"

namespace rlzero::tokenizer_internal {
namespace {

TEST(WordCacheTest, StoresAndGrows) {
  WordCache cache(100000);
  for (int i = 0; i < 20000; ++i) {
    std::string w = "w" + std::to_string(i);
    int32_t ids[2] = {i, -i};
    cache.Insert(w, ids, 2);
  }
  EXPECT_EQ(cache.size(), 20000u);
  for (int i = 0; i < 20000; i += 777) {
    std::vector<int32_t> out = {9};
    ASSERT_TRUE(cache.Lookup("w" + std::to_string(i), &out));
    EXPECT_EQ(out, (std::vector<int32_t>{9, i, -i}));  // appended
  }
  std::vector<int32_t> out;
  EXPECT_FALSE(cache.Lookup("w20000", &out));
  EXPECT_FALSE(cache.Lookup("", &out));
  EXPECT_TRUE(out.empty());
}

TEST(WordCacheTest, BoundedAndFirstValueKept) {
  WordCache cache(3);
  int32_t a = 1, b = 2;
  cache.Insert("x", &a, 1);
  cache.Insert("x", &b, 1);  // present: ignored
  cache.Insert("y", &a, 1);
  cache.Insert("z", &a, 1);
  cache.Insert("full", &a, 1);  // over the bound: not cached
  EXPECT_EQ(cache.size(), 3u);
  std::vector<int32_t> out;
  EXPECT_TRUE(cache.Lookup("x", &out));
  EXPECT_EQ(out, std::vector<int32_t>{1});
  EXPECT_FALSE(cache.Lookup("full", &out));
}

TEST(PairTableTest, FindsInsertedPairsOnly) {
  PairTable t;
  t.Reserve(1000);
  for (int i = 0; i < 1000; ++i) t.Insert(i, i + 1, {i, 5000 + i});
  t.Insert(3, 4, {99, 99});  // a repeated pair keeps its first (lowest) rank
  EXPECT_EQ(t.size(), 1000u);
  ASSERT_NE(t.Find(3, 4), nullptr);
  EXPECT_EQ(t.Find(3, 4)->rank, 3);
  EXPECT_EQ(t.Find(999, 1000)->id, 5999);
  EXPECT_EQ(t.Find(4, 3), nullptr);
  EXPECT_EQ(t.Find(0, 0), nullptr);
  PairTable empty;
  EXPECT_EQ(empty.Find(1, 2), nullptr);
}

}  // namespace
}  // namespace rlzero::tokenizer_internal
