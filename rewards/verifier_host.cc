// rewards/verifier_host.cc
#include "rewards/verifier_host.h"

#include <algorithm>
#include <exception>

namespace rlzero::rewards {

using verifiers::Deadline;
using verifiers::VerifyResult;

void VerifierHost::Add(const std::string& name, std::shared_ptr<verifiers::Verifier> verifier) {
  verifiers_[name] = std::move(verifier);
}

std::vector<std::string> VerifierHost::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, v] : verifiers_) names.push_back(name);
  return names;
}

StatusOr<const verifiers::Verifier*> VerifierHost::Find(const std::string& task) const {
  auto it = verifiers_.find(task);
  if (it == verifiers_.end()) {
    std::string known;
    for (const auto& [name, v] : verifiers_) known += (known.empty() ? "" : ", ") + name;
    return NotFound("unknown task '" + task + "' (served: " + known + ")");
  }
  return it->second.get();
}

StatusOr<Json> VerifierHost::Parse(const std::string& text, size_t index) const {
  std::string where = "sample " + std::to_string(index);
  if (text.size() > limits_.max_sample_bytes)
    return InvalidArgument(where + ": " + std::to_string(text.size()) + " bytes > limit " +
                           std::to_string(limits_.max_sample_bytes));
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument(where + ": not a JSON object");
  return j;
}

Deadline VerifierHost::DeadlineFor(int64_t timeout_ms) const {
  if (timeout_ms <= 0) timeout_ms = limits_.default_timeout_ms;
  return Deadline::In(std::min(timeout_ms, limits_.max_timeout_ms));
}

StatusOr<StatusOr<VerifyResult>> VerifierHost::Verify(const std::string& task,
                                                      const std::string& sample_json,
                                                      int64_t timeout_ms) const {
  RLZ_ASSIGN_OR_RETURN(const verifiers::Verifier* v, Find(task));
  RLZ_ASSIGN_OR_RETURN(Json sample, Parse(sample_json, 0));
  Deadline deadline = DeadlineFor(timeout_ms);
  try {
    return StatusOr<StatusOr<VerifyResult>>(v->Verify(sample, deadline));
  } catch (const std::exception& e) {
    return StatusOr<StatusOr<VerifyResult>>(
        StatusOr<VerifyResult>(Internal(task + ": threw: " + e.what())));
  }
}

StatusOr<std::vector<StatusOr<VerifyResult>>> VerifierHost::VerifyBatch(
    const std::string& task, const std::vector<std::string>& samples_json,
    int64_t timeout_ms) const {
  RLZ_ASSIGN_OR_RETURN(const verifiers::Verifier* v, Find(task));
  if (samples_json.size() > limits_.max_batch)
    return InvalidArgument("batch of " + std::to_string(samples_json.size()) + " > limit " +
                           std::to_string(limits_.max_batch));
  std::vector<Json> samples;
  for (size_t i = 0; i < samples_json.size(); ++i) {
    RLZ_ASSIGN_OR_RETURN(Json s, Parse(samples_json[i], i));
    samples.push_back(std::move(s));
  }
  Deadline deadline = DeadlineFor(timeout_ms);
  try {
    return v->VerifyBatch(samples, deadline);
  } catch (const std::exception& e) {
    return std::vector<StatusOr<VerifyResult>>(
        samples.size(), StatusOr<VerifyResult>(Internal(task + ": threw: " + e.what())));
  }
}

}  // namespace rlzero::rewards
