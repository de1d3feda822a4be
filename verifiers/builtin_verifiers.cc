// verifiers/builtin_verifiers.cc: the explicit list of built-in verifiers.
// Adding a verifier = its own file + one line here (no static-initialiser
// self-registration: static linking drops unreferenced registrars).
#include "verifiers/code_verifier.h"
#include "verifiers/countdown_verifier.h"
#include "verifiers/format_verifier.h"
#include "verifiers/judge_verifier.h"
#include "verifiers/language_verifier.h"
#include "verifiers/length_verifier.h"
#include "verifiers/verifier.h"
#ifdef RLZERO_HAVE_MATH_VERIFIER
#include "verifiers/math_adapter.h"
#endif

namespace rlzero::verifiers {

const std::vector<VerifierInfo>& BuiltinVerifiers() {
  static const std::vector<VerifierInfo> kList = {
#ifdef RLZERO_HAVE_MATH_VERIFIER
      {"math", "final answer vs gold LaTeX (fields: response, answer)", MakeMathAdapter},
#endif
      {"countdown", "TinyZero countdown equation (fields: response, numbers, target)",
       MakeCountdownVerifier},
      {"code", "python block run in the sandbox (fields: response, tests|test+entry_point|cases)",
       MakeCodeVerifier},
      {"format", "R1-Zero <think>..</think><answer>..</answer> template (field: response)",
       MakeFormatVerifier},
      {"length", "DAPO soft overlong penalty (field: response_tokens)", MakeLengthVerifier},
      {"language", "share of the chain of thought in the target language (field: response)",
       MakeLanguageVerifier},
      {"judge", "a served model grades the response against a rubric (field: response)",
       MakeJudgeVerifier},
  };
  return kList;
}

}  // namespace rlzero::verifiers
