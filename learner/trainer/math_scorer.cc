// learner/trainer/math_scorer.cc: VerifyMath -> CompletionScore.
#include "learner/trainer/math_scorer.h"

#include "verifiers/math/math_verifier.h"

namespace rlzero {

StatusOr<CompletionScore> MathScorer::Score(const TaskPrompt& prompt,
                                            const SampledCompletion& completion) {
  if (!prompt.meta.contains("answer") || !prompt.meta["answer"].is_string()) {
    return InvalidArgument("prompt " + prompt.id + ": no string field \"answer\" to score against");
  }
  verifiers::MathOptions options;
  options.fallback_last_number = fallback_last_number_;
  verifiers::MathVerdict v =
      verifiers::VerifyMath(completion.text, prompt.meta["answer"].get<std::string>(), options);
  CompletionScore s;
  s.reward = v.correct ? 1.0 : 0.0;
  s.components["math"] = s.reward;
  s.correct = v.correct;
  s.extracted_answer = v.extracted;
  s.reason = v.reason;
  return s;
}

}  // namespace rlzero
