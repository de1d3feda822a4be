// verifiers/length_verifier.cc
#include "verifiers/length_verifier.h"

namespace rlzero::verifiers {

double OverlongPenalty(int64_t length, int64_t max_length, int64_t cache_length) {
  int64_t free_len = max_length - cache_length;
  if (length <= free_len) return 0.0;
  if (length > max_length) return -1.0;
  return static_cast<double>(free_len - length) / static_cast<double>(cache_length);
}

namespace {

class LengthVerifier : public Verifier {
 public:
  LengthVerifier(int64_t max_length, int64_t cache_length, std::string field)
      : max_(max_length), cache_(cache_length), field_(std::move(field)) {}

  StatusOr<VerifyResult> Verify(const Json& sample, const Deadline&) const override {
    if (!sample.is_object()) return InvalidArgument("length: sample is not a JSON object");
    auto it = sample.find(field_);
    if (it == sample.end() || !it->is_number_integer() || it->get<int64_t>() < 0)
      return InvalidArgument("length: sample field '" + field_ +
                             "' (the response's token count) missing or not an integer >= 0");
    int64_t len = it->get<int64_t>();
    VerifyResult r;
    r.score = OverlongPenalty(len, max_, cache_);
    r.correct = len <= max_ - cache_;
    r.extracted = std::to_string(len);
    if (!r.correct)
      r.reason = std::to_string(len) + " tokens > " + std::to_string(max_ - cache_) +
                 (len > max_ ? " (over max_length " + std::to_string(max_) + ")" : "");
    return r;
  }

 private:
  int64_t max_, cache_;
  std::string field_;
};

}  // namespace

StatusOr<std::unique_ptr<Verifier>> MakeLengthVerifier(ConfigReader& options, const VerifierEnv&) {
  int64_t max_length = 0, cache_length = 0;
  std::string field = "response_tokens";
  if (!options.Get("max_length", &max_length))
    return InvalidArgument("length verifier: option max_length is required");
  options.Get("cache_length", &cache_length);
  options.Get("length_field", &field);
  if (max_length <= 0) return InvalidArgument("length verifier: max_length must be > 0");
  if (cache_length < 0 || cache_length >= max_length)
    return InvalidArgument("length verifier: cache_length must be in [0, max_length)");
  return std::unique_ptr<Verifier>(new LengthVerifier(max_length, cache_length, field));
}

}  // namespace rlzero::verifiers
