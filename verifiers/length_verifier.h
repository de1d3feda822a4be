// verifiers/length_verifier.h: DAPO's soft overlong penalty (Yu et al. 2025,
// eq. 13). With L = the response's token count, Lmax = max_length and
// Lcache = cache_length:
//   score = 0                          if L <= Lmax - Lcache
//         = (Lmax - Lcache - L)/Lcache if Lmax - Lcache < L <= Lmax
//         = -1                         if L > Lmax
// correct = (L <= Lmax - Lcache); extracted = L as text.
//
// Sample fields: the token count, an integer >= 0, in the field named by the
// option length_field (default "response_tokens"); the verifier does not
// tokenize. Options: max_length (required, > 0), cache_length (>= 0,
// < max_length; default 0 = hard cut at max_length), length_field.
// Thread safety: immutable after construction.
#pragma once

#include <cstdint>
#include <memory>

#include "verifiers/verifier.h"

namespace rlzero::verifiers {

// The penalty itself (exposed for tests and the learner's logging).
double OverlongPenalty(int64_t length, int64_t max_length, int64_t cache_length);

StatusOr<std::unique_ptr<Verifier>> MakeLengthVerifier(ConfigReader& options,
                                                       const VerifierEnv& env);

}  // namespace rlzero::verifiers
