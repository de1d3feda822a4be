// rewards/verifier_host.h: the plain logic behind VerifierService: a set of
// named scorers answering JSON samples, with request bounds. The gRPC adapter
// (verifier_service.h) only translates protos and calls this; tests drive it
// without gRPC.
//
// Contract: Verify/VerifyBatch parse each sample (INVALID_ARGUMENT for text
// that is not a JSON object or is larger than max_sample_bytes; NOT_FOUND for
// an unknown task); a parsed sample the verifier rejects comes back as that
// entry's error. timeout_ms <= 0 means default_timeout_ms; it is capped at
// max_timeout_ms. Verifier exceptions are caught and become INTERNAL.
// Thread safety: after construction, const methods are reentrant.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "verifiers/verifier.h"

namespace rlzero::rewards {

struct VerifierHostLimits {
  size_t max_sample_bytes = 4 << 20;
  size_t max_batch = 4096;
  int64_t default_timeout_ms = 10000;
  int64_t max_timeout_ms = 600000;
};

class VerifierHost {
 public:
  explicit VerifierHost(VerifierHostLimits limits = {}) : limits_(limits) {}
  // Adds (or replaces) a scorer under name.
  void Add(const std::string& name, std::shared_ptr<verifiers::Verifier> verifier);
  std::vector<std::string> Names() const;

  // Outer status: request-level failure; inner: that sample's.
  StatusOr<StatusOr<verifiers::VerifyResult>> Verify(const std::string& task,
                                                     const std::string& sample_json,
                                                     int64_t timeout_ms) const;
  StatusOr<std::vector<StatusOr<verifiers::VerifyResult>>> VerifyBatch(
      const std::string& task, const std::vector<std::string>& samples_json,
      int64_t timeout_ms) const;

  const VerifierHostLimits& limits() const { return limits_; }

 private:
  StatusOr<const verifiers::Verifier*> Find(const std::string& task) const;
  StatusOr<Json> Parse(const std::string& text, size_t index) const;
  verifiers::Deadline DeadlineFor(int64_t timeout_ms) const;

  VerifierHostLimits limits_;
  std::map<std::string, std::shared_ptr<verifiers::Verifier>> verifiers_;
};

}  // namespace rlzero::rewards
