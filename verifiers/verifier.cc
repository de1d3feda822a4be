// verifiers/verifier.cc: Deadline, the default batch loop and the registry
// lookup over the explicit list in builtin_verifiers.cc.
#include "verifiers/verifier.h"

#include <algorithm>

namespace rlzero::verifiers {

int64_t Deadline::RemainingMs() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now()).count();
  return std::max<int64_t>(0, left);
}

std::vector<StatusOr<VerifyResult>> Verifier::VerifyBatch(const std::vector<Json>& samples,
                                                          const Deadline& deadline) const {
  std::vector<StatusOr<VerifyResult>> out;
  out.reserve(samples.size());
  for (const Json& s : samples) out.push_back(Verify(s, deadline));
  return out;
}

StatusOr<std::unique_ptr<Verifier>> MakeVerifier(const std::string& name, ConfigReader& options,
                                                 const VerifierEnv& env) {
  std::string known;
  for (const VerifierInfo& info : BuiltinVerifiers()) {
    if (name == info.name) return info.factory(options, env);
    known += known.empty() ? "" : ", ";
    known += info.name;
  }
  return NotFound("unknown verifier '" + name + "' (built-in: " + known + ")");
}

StatusOr<std::unique_ptr<Verifier>> MakeVerifier(const std::string& name, const Json& options,
                                                 const VerifierEnv& env) {
  if (!options.is_null() && !options.is_object())
    return InvalidArgument("verifier '" + name + "': options must be a mapping");
  ConfigReader reader(options, "verifier '" + name + "' options");
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<Verifier> v, MakeVerifier(name, reader, env));
  RLZ_RETURN_IF_ERROR(reader.Finish());
  return v;
}

VerifyResult ResultFromError(const Status& status) {
  VerifyResult r;
  r.reason = status.message();
  return r;
}

}  // namespace rlzero::verifiers
