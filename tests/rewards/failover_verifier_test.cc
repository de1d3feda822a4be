// FailoverVerifier over fake replicas: transport failures (UNAVAILABLE,
// DEADLINE_EXCEEDED) move the work to the next replica, answers and
// per-sample errors do not; a stalled replica gets only its share of the
// deadline; a failed replica is tried last until its cooldown ends; in a
// batch only the entries that failed in transport are re-sent, and every
// entry is answered exactly once.
#include "rewards/failover_verifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace rlzero::rewards {
namespace {

using verifiers::Deadline;
using verifiers::VerifyResult;

// Answers score = its id, or fails every call with `fail`, or sleeps past the
// attempt's deadline and reports DEADLINE_EXCEEDED.
class FakeReplica : public verifiers::Verifier {
 public:
  enum Mode { kAnswer, kFail, kStall, kFailOddSamples };
  FakeReplica(double id, Mode mode, Status fail = Unavailable("connection refused"))
      : id_(id), mode_(mode), fail_(std::move(fail)) {}
  StatusOr<VerifyResult> Verify(const Json& sample, const Deadline& deadline) const override {
    ++calls;
    ++samples_seen;
    if (mode_ == kFail) return fail_;
    if (mode_ == kStall) {
      std::this_thread::sleep_until(deadline.at());
      return DeadlineExceeded("stalled");
    }
    if (mode_ == kFailOddSamples && sample.value("i", 0) % 2 == 1) return fail_;
    VerifyResult r;
    r.score = id_;
    r.extracted = std::to_string(sample.value("i", -1));
    return r;
  }
  std::vector<StatusOr<VerifyResult>> VerifyBatch(const std::vector<Json>& samples,
                                                  const Deadline& deadline) const override {
    std::vector<StatusOr<VerifyResult>> out;
    for (const Json& s : samples) out.push_back(Verify(s, deadline));
    --calls;
    ++batches;
    return out;
  }
  mutable std::atomic<int> calls{0}, samples_seen{0}, batches{0};

 private:
  double id_;
  Mode mode_;
  Status fail_;
};

std::shared_ptr<FakeReplica> Replica(double id, FakeReplica::Mode m,
                                     Status fail = Unavailable("connection refused")) {
  return std::make_shared<FakeReplica>(id, m, std::move(fail));
}

TEST(FailoverVerifierTest, UnavailableReplicaHandsTheSampleToTheNext) {
  auto down = Replica(1, FakeReplica::kFail);
  auto up = Replica(2, FakeReplica::kAnswer);
  FailoverVerifier v({down, up});
  auto r = v.Verify(Json{{"i", 0}}, Deadline::In(5000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->score, 2.0);
  // The failed replica is now tried last: the next call goes straight to 2.
  r = v.Verify(Json{{"i", 1}}, Deadline::In(5000));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(down->calls.load(), 1);
  EXPECT_EQ(up->calls.load(), 2);
}

TEST(FailoverVerifierTest, AnswersAndSampleErrorsAreNotRetried) {
  for (Status s : {InvalidArgument("sample lacks numbers"), Unauthenticated("bad token"),
                   Internal("verifier said no")}) {
    auto first = Replica(1, FakeReplica::kFail, s);
    auto second = Replica(2, FakeReplica::kAnswer);
    FailoverVerifier v({first, second});
    auto r = v.Verify(Json{{"i", 0}}, Deadline::In(5000));
    EXPECT_EQ(r.status().code(), s.code());
    EXPECT_EQ(second->calls.load(), 0) << s.ToString();
  }
}

TEST(FailoverVerifierTest, StalledReplicaGetsOnlyItsShareOfTheDeadline) {
  auto stalled = Replica(1, FakeReplica::kStall);
  auto up = Replica(2, FakeReplica::kAnswer);
  FailoverVerifier v({stalled, up});
  const auto start = std::chrono::steady_clock::now();
  auto r = v.Verify(Json{{"i", 0}}, Deadline::In(2000));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->score, 2.0);
  EXPECT_LT(ms, 1900.0);  // half of the 2 s went to the stalled one, not all of it
}

TEST(FailoverVerifierTest, AllReplicasDownReportsTheLastTransportError) {
  FailoverVerifier v({Replica(1, FakeReplica::kFail), Replica(2, FakeReplica::kFail)});
  auto r = v.Verify(Json{{"i", 0}}, Deadline::In(1000));
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

TEST(FailoverVerifierTest, BatchResendsOnlyTheEntriesThatFailedInTransport) {
  auto flaky = Replica(1, FakeReplica::kFailOddSamples);
  auto up = Replica(2, FakeReplica::kAnswer);
  FailoverVerifier v({flaky, up});
  std::vector<Json> samples;
  for (int i = 0; i < 6; ++i) samples.push_back(Json{{"i", i}});
  auto out = v.VerifyBatch(samples, Deadline::In(5000));
  ASSERT_EQ(out.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(out[i].ok()) << i << ": " << out[i].status().ToString();
    EXPECT_EQ(out[i]->extracted, std::to_string(i));  // in order
    EXPECT_EQ(out[i]->score, i % 2 == 1 ? 2.0 : 1.0) << i;
  }
  EXPECT_EQ(flaky->samples_seen.load(), 6);
  EXPECT_EQ(up->samples_seen.load(), 3);  // only 1, 3, 5
}

TEST(FailoverVerifierTest, ReplicaRejoinsAfterItsCooldown) {
  auto first = Replica(1, FakeReplica::kFail);
  auto second = Replica(2, FakeReplica::kAnswer);
  // A cooldown long enough that the second call surely falls inside it on a
  // loaded machine.
  FailoverVerifier v({first, second}, std::chrono::milliseconds(1000));
  ASSERT_TRUE(v.Verify(Json{{"i", 0}}, Deadline::In(5000)).ok());
  ASSERT_TRUE(v.Verify(Json{{"i", 1}}, Deadline::In(5000)).ok());
  EXPECT_EQ(first->calls.load(), 1);  // skipped while down
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(v.Verify(Json{{"i", 2}}, Deadline::In(5000)).ok());
  EXPECT_EQ(first->calls.load(), 2);  // tried first again
}

}  // namespace
}  // namespace rlzero::rewards
