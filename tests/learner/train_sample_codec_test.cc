// tests/learner/train_sample_codec_test.cc: the batch encoding rank 0
// broadcasts to the other data-parallel ranks round-trips exactly, and
// truncated, padded or malformed bytes fail with DATA_LOSS naming the place
// instead of crashing or allocating what the payload cannot hold.
#include "learner/train_sample_codec.h"

#include <gtest/gtest.h>

namespace rlzero {
namespace {

std::vector<TrainSample> TwoSamples() {
  TrainSample a;
  a.prompt_ids = {1, 2, 3};
  a.completion_ids = {4, 5};
  a.behaviour_logprobs = {-0.5f, -1.25f};
  a.old_logprobs = {-0.4f, -1.0f};
  a.advantage = -0.75;
  TrainSample b;
  b.prompt_ids = {7};
  b.ref_logprobs = {};
  b.advantage = 1.5;
  b.loss_masked = true;
  return {a, b};
}

TEST(TrainSampleCodecTest, RoundTripsExactly) {
  const auto samples = TwoSamples();
  auto decoded = DecodeTrainSamples(EncodeTrainSamples(samples));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const TrainSample& x = samples[i];
    const TrainSample& y = (*decoded)[i];
    EXPECT_EQ(x.prompt_ids, y.prompt_ids);
    EXPECT_EQ(x.completion_ids, y.completion_ids);
    EXPECT_EQ(x.behaviour_logprobs, y.behaviour_logprobs);
    EXPECT_EQ(x.old_logprobs, y.old_logprobs);
    EXPECT_EQ(x.ref_logprobs, y.ref_logprobs);
    EXPECT_EQ(x.advantage, y.advantage);
    EXPECT_EQ(x.loss_masked, y.loss_masked);
  }
  auto empty = DecodeTrainSamples(EncodeTrainSamples({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(TrainSampleCodecTest, EveryTruncationFailsCleanly) {
  const std::string bytes = EncodeTrainSamples(TwoSamples());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeTrainSamples(bytes.substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << n;
  }
  auto cut = DecodeTrainSamples(bytes.substr(0, bytes.size() - 3));
  EXPECT_NE(cut.status().message().find("sample 1"), std::string::npos) << cut.status().message();
}

TEST(TrainSampleCodecTest, RejectsBadMagicHugeCountsAndTrailingBytes) {
  std::string bytes = EncodeTrainSamples(TwoSamples());
  std::string bad = bytes;
  bad[0] = 'X';
  EXPECT_NE(DecodeTrainSamples(bad).status().message().find("magic"), std::string::npos);
  std::string huge = bytes.substr(0, 6) + std::string("\xff\xff\xff\x7f", 4) + bytes.substr(10);
  auto h = DecodeTrainSamples(huge);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("cannot fit"), std::string::npos) << h.status().message();
  auto trailing = DecodeTrainSamples(bytes + "x");
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("trailing"), std::string::npos);
}

}  // namespace
}  // namespace rlzero
