// rewards/failover_verifier.h: one verifier over several replicas (typically
// gRPC plugins at different addresses serving the same task), so a verifier
// server that dies or stalls mid-step has its work reassigned instead of
// failing its samples.
//
// Verify / VerifyBatch try the replicas in turn, starting with the first one
// not marked down. Only transport failures move work on: UNAVAILABLE,
// DEADLINE_EXCEEDED, UNAUTHENTICATED is NOT among them (a config error),
// nor are per-sample answers (an error the server sent for that sample, or
// a score). Each attempt gets an equal share of the time left among the
// replicas not yet tried, so one stalled replica cannot use the whole
// deadline. A replica that failed a call is marked down for `cooldown_ms`
// and tried last meanwhile; after that it is tried in its turn again (a
// restarted server rejoins). In a batch, only the entries that failed in
// transport are sent to the next replica; every entry is answered once.
// Thread safety: thread-safe if the replicas are (the down marks are atomic).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "verifiers/verifier.h"

namespace rlzero::rewards {

class FailoverVerifier : public verifiers::Verifier {
 public:
  // replicas: at least one.
  explicit FailoverVerifier(std::vector<std::shared_ptr<verifiers::Verifier>> replicas,
                            std::chrono::milliseconds cooldown = std::chrono::seconds(10));

  StatusOr<verifiers::VerifyResult> Verify(const Json& sample,
                                           const verifiers::Deadline& deadline) const override;
  std::vector<StatusOr<verifiers::VerifyResult>> VerifyBatch(
      const std::vector<Json>& samples, const verifiers::Deadline& deadline) const override;

  // Whether a failure means "try another replica" (see the file comment).
  static bool IsTransportFailure(const Status& status);

 private:
  // Replica indices in the order to try now: healthy ones first (in index
  // order), then those marked down.
  std::vector<size_t> Order() const;
  void MarkDown(size_t replica) const;
  // The deadline of one attempt when `left` replicas (this one included)
  // remain to be tried.
  static verifiers::Deadline Share(const verifiers::Deadline& deadline, size_t left);

  std::vector<std::shared_ptr<verifiers::Verifier>> replicas_;
  std::chrono::milliseconds cooldown_;
  // Per replica: steady-clock ticks until which it counts as down (0 = up).
  std::unique_ptr<std::atomic<int64_t>[]> down_until_;
};

}  // namespace rlzero::rewards
