// rollout/sampling_params.cc: validation and config reading of SamplingParams.
#include "rollout/sampling_params.h"

#include <cmath>

namespace rlzero {

Status SamplingParams::Validate() const {
  auto bad = [](const std::string& field, const std::string& why) {
    return InvalidArgument("sampling params: " + field + " " + why);
  };
  if (n < 1) return bad("n", "must be >= 1, got " + std::to_string(n));
  if (!std::isfinite(temperature) || temperature < 0)
    return bad("temperature", "must be finite and >= 0, got " + std::to_string(temperature));
  if (!(top_p > 0 && top_p <= 1))
    return bad("top_p", "must be in (0, 1], got " + std::to_string(top_p));
  if (!(min_p >= 0 && min_p < 1))
    return bad("min_p", "must be in [0, 1), got " + std::to_string(min_p));
  if (max_new_tokens < 1)
    return bad("max_new_tokens", "must be >= 1, got " + std::to_string(max_new_tokens));
  for (size_t i = 0; i < stop.size(); ++i) {
    if (stop[i].empty()) return bad("stop[" + std::to_string(i) + "]", "must not be empty");
  }
  return Status::Ok();
}

SamplingParams SamplingParams::FromConfig(ConfigReader& reader) {
  SamplingParams p;
  reader.Get("n", &p.n);
  reader.Get("temperature", &p.temperature);
  reader.Get("top_p", &p.top_p);
  reader.Get("top_k", &p.top_k);
  reader.Get("min_p", &p.min_p);
  reader.Get("max_new_tokens", &p.max_new_tokens);
  reader.Get("stop", &p.stop);
  reader.Get("seed", &p.seed);
  Status st = p.Validate();
  if (!st.ok()) reader.RecordError("sampling", st.message());
  return p;
}

}  // namespace rlzero
