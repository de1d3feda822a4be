// rewards/failover_verifier.cc: see failover_verifier.h.
#include "rewards/failover_verifier.h"

#include <algorithm>

namespace rlzero::rewards {

using verifiers::Deadline;
using verifiers::VerifyResult;

namespace {

int64_t NowTicks() { return Deadline::Clock::now().time_since_epoch().count(); }

}  // namespace

FailoverVerifier::FailoverVerifier(std::vector<std::shared_ptr<verifiers::Verifier>> replicas,
                                   std::chrono::milliseconds cooldown)
    : replicas_(std::move(replicas)),
      cooldown_(cooldown),
      down_until_(new std::atomic<int64_t>[replicas_.size()]) {
  for (size_t i = 0; i < replicas_.size(); ++i) down_until_[i] = 0;
}

bool FailoverVerifier::IsTransportFailure(const Status& status) {
  return status.code() == StatusCode::kUnavailable ||
         status.code() == StatusCode::kDeadlineExceeded;
}

std::vector<size_t> FailoverVerifier::Order() const {
  const int64_t now = NowTicks();
  std::vector<size_t> up, down;
  for (size_t i = 0; i < replicas_.size(); ++i)
    (down_until_[i].load() > now ? down : up).push_back(i);
  up.insert(up.end(), down.begin(), down.end());
  return up;
}

void FailoverVerifier::MarkDown(size_t replica) const {
  const auto until = Deadline::Clock::now() + cooldown_;
  down_until_[replica] = until.time_since_epoch().count();
}

Deadline FailoverVerifier::Share(const Deadline& deadline, size_t left) {
  const auto now = Deadline::Clock::now();
  if (left <= 1 || deadline.at() <= now) return deadline;
  return Deadline(now + (deadline.at() - now) / static_cast<int64_t>(left));
}

StatusOr<VerifyResult> FailoverVerifier::Verify(const Json& sample,
                                                const Deadline& deadline) const {
  const std::vector<size_t> order = Order();
  Status last = Unavailable("no verifier replica");
  for (size_t k = 0; k < order.size(); ++k) {
    if (deadline.Expired()) break;
    StatusOr<VerifyResult> r =
        replicas_[order[k]]->Verify(sample, Share(deadline, order.size() - k));
    if (r.ok() || !IsTransportFailure(r.status())) return r;
    MarkDown(order[k]);
    last = r.status();
  }
  return last;
}

std::vector<StatusOr<VerifyResult>> FailoverVerifier::VerifyBatch(const std::vector<Json>& samples,
                                                                  const Deadline& deadline) const {
  std::vector<StatusOr<VerifyResult>> out(samples.size(),
                                          StatusOr<VerifyResult>(Unavailable("not scored")));
  std::vector<size_t> pending(samples.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  const std::vector<size_t> order = Order();
  for (size_t k = 0; k < order.size() && !pending.empty(); ++k) {
    if (deadline.Expired()) break;
    std::vector<Json> batch;
    batch.reserve(pending.size());
    for (size_t i : pending) batch.push_back(samples[i]);
    std::vector<StatusOr<VerifyResult>> got =
        replicas_[order[k]]->VerifyBatch(batch, Share(deadline, order.size() - k));
    std::vector<size_t> retry;
    bool transport_failure = false;
    for (size_t j = 0; j < pending.size(); ++j) {
      StatusOr<VerifyResult> r =
          j < got.size() ? std::move(got[j]) : StatusOr<VerifyResult>(Internal("no answer"));
      if (!r.ok() && IsTransportFailure(r.status())) {
        transport_failure = true;
        retry.push_back(pending[j]);
      }
      out[pending[j]] = std::move(r);
    }
    if (transport_failure) MarkDown(order[k]);
    pending = std::move(retry);
  }
  return out;
}

}  // namespace rlzero::rewards
