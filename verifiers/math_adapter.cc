// verifiers/math_adapter.cc
#include "verifiers/math_adapter.h"

#include <algorithm>

#include "verifiers/math/math_verifier.h"

namespace rlzero::verifiers {
namespace {

class MathAdapter : public Verifier {
 public:
  explicit MathAdapter(MathOptions o) : o_(o) {}

  StatusOr<VerifyResult> Verify(const Json& sample, const Deadline& deadline) const override {
    if (!sample.is_object()) return InvalidArgument("math: sample is not a JSON object");
    auto response = sample.find("response");
    if (response == sample.end() || !response->is_string())
      return InvalidArgument("math: sample field 'response' missing or not a string");
    auto answer = sample.find("answer");
    if (answer == sample.end() || !(answer->is_string() || answer->is_number()))
      return InvalidArgument("math: sample field 'answer' (gold) missing or not a string");
    std::string gold = answer->is_string() ? answer->get<std::string>() : answer->dump();
    MathOptions o = o_;
    o.timeout_ms = std::max<int64_t>(1, std::min(o.timeout_ms, deadline.RemainingMs()));
    MathVerdict v = VerifyMath(response->get_ref<const std::string&>(), gold, o);
    VerifyResult r;
    r.correct = v.correct;
    r.score = v.correct ? 1.0 : 0.0;
    r.extracted = std::move(v.extracted);
    r.reason = std::move(v.reason);
    return r;
  }

 private:
  MathOptions o_;
};

}  // namespace

StatusOr<std::unique_ptr<Verifier>> MakeMathAdapter(ConfigReader& options, const VerifierEnv&) {
  MathOptions o;
  options.Get("fallback_last_number", &o.fallback_last_number);
  options.Get("timeout_ms", &o.timeout_ms);
  if (o.timeout_ms <= 0) return InvalidArgument("math verifier: timeout_ms must be > 0");
  return std::unique_ptr<Verifier>(new MathAdapter(o));
}

}  // namespace rlzero::verifiers
