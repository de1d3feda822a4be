// verifiers/math_adapter.h: the "math" verifier, an adapter from the Verifier
// interface to VerifyMath (verifiers/math/math_verifier.h, owned by the math
// verifier's author). Compiled only when the rlzero_math_verifier target
// exists (compile definition RLZERO_HAVE_MATH_VERIFIER).
//
// Sample fields: response, answer (gold, LaTeX; a JSON number is accepted and
// printed as text). Options: fallback_last_number (false), timeout_ms (1000;
// the call's deadline caps it). Result: correct/score 1 or 0, extracted and
// reason from VerifyMath. Thread safety: stateless.
#pragma once

#include <memory>

#include "verifiers/verifier.h"

namespace rlzero::verifiers {

StatusOr<std::unique_ptr<Verifier>> MakeMathAdapter(ConfigReader& options, const VerifierEnv& env);

}  // namespace rlzero::verifiers
