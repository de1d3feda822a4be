// WeightFrameQueue: readers wait for frames the publisher has not appended
// yet, see the end of a complete stream, and are woken by a failed publisher
// or their own deadline.
#include "rollout/weight_frame_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <string>

namespace rlzero {
namespace {

grpc::ByteBuffer Frame(const std::string& bytes) {
  grpc::Slice s(bytes);
  return grpc::ByteBuffer(&s, 1);
}

std::string Text(const grpc::ByteBuffer& b) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(b.Dump(&slices).ok());
  std::string out;
  for (const auto& x : slices) out.append(reinterpret_cast<const char*>(x.begin()), x.size());
  return out;
}

auto Later() { return std::chrono::steady_clock::now() + std::chrono::seconds(30); }

TEST(WeightFrameQueueTest, ReaderWaitsForAppendedFramesAndSeesTheEnd) {
  WeightFrameQueue q;
  auto reader = std::async(std::launch::async, [&] {
    std::string got;
    grpc::ByteBuffer f;
    for (size_t i = 0;; ++i) {
      Status s = q.Get(i, Later(), &f);
      if (s.code() == StatusCode::kOutOfRange) return got;
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (!s.ok()) return got;
      got += Text(f);
    }
  });
  q.Append(Frame("ab"));
  q.Append(Frame("cd"));
  q.Close(Status::Ok());
  EXPECT_EQ(reader.get(), "abcd");
  grpc::ByteBuffer f;
  EXPECT_TRUE(q.Get(1, Later(), &f).ok());  // a later reader reads the same frames
  EXPECT_EQ(Text(f), "cd");
}

TEST(WeightFrameQueueTest, FailedPublisherWakesReadersWithItsError) {
  WeightFrameQueue q;
  q.Append(Frame("ab"));
  auto reader = std::async(std::launch::async, [&] {
    grpc::ByteBuffer f;
    return q.Get(1, Later(), &f);
  });
  q.Close(Internal("snapshot failed"));
  Status s = reader.get();
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  grpc::ByteBuffer f;
  EXPECT_EQ(q.Get(0, Later(), &f).code(), StatusCode::kInternal);  // even frames appended before
}

TEST(WeightFrameQueueTest, ReaderGivesUpAtItsDeadline) {
  WeightFrameQueue q;
  grpc::ByteBuffer f;
  Status s = q.Get(0, std::chrono::steady_clock::now() + std::chrono::milliseconds(20), &f);
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded);
  q.Close(Status::Ok());
}

TEST(WeightFrameQueueTest, CompleteListIsClosed) {
  std::vector<grpc::ByteBuffer> frames = {Frame("x")};
  WeightFrameQueue q(frames);
  grpc::ByteBuffer f;
  ASSERT_TRUE(q.Get(0, Later(), &f).ok());
  EXPECT_EQ(Text(f), "x");
  EXPECT_EQ(q.Get(1, Later(), &f).code(), StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace rlzero
