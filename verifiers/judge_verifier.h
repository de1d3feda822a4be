// verifiers/judge_verifier.h: the model-judge verifier (a generative reward
// model, as in DeepSeek's GRM): it fills a grading prompt (judge_prompt.h)
// with the rubric, the sample's question and reference answer (if any) and
// the response, asks a JudgeModel for one completion, and parses the verdict
// (judge_verdict.h) into a score in [0, 1].
//
// Options (defaults):
//   template           the grading prompt (JudgePromptTemplate::DefaultText())
//   rubric             "The response answers the question correctly and completely."
//   verdict            yes_no | boxed | score (yes_no)
//   score_min, score_max   the numeric scale for boxed/score (0, 10)
//   pass_score         correct when score >= this, in (0, 1] (0.5)
//   question_field     sample field for {{question}} ("question")
//   reference_field    sample field for {{reference}} ("answer"); numbers are
//                      written as JSON; absent = no reference
//   max_response_chars longer responses score 0 without a call (32768)
//   temperature (0), top_p (1), max_new_tokens (512), stop ([]), seed (0)
// plus the connection options read by the JudgeConnector (see
// rewards/rollout_judge.h).
//
// Contract: a response the judge rejects or that its verdict cannot be read
// from is an ordinary result (score 0, reason says why). A judge that fails
// (down, slow, wrong token) makes Verify return that error Status, with the
// cause in its message, so a reward records a *failed* component rather than
// a wrong answer. Never runs past the deadline (the JudgeModel bounds the
// call). A missing or non-string `response` is INVALID_ARGUMENT.
// Non-goals: prompt-injection defence beyond the one-pass template (a
// response can still address the judge; pick rubric and verdict format
// accordingly), batching several samples into one call.
// Thread safety: Verify is const and thread-safe if the JudgeModel is.
#pragma once

#include <memory>
#include <string>

#include "verifiers/judge_model.h"
#include "verifiers/judge_prompt.h"
#include "verifiers/judge_verdict.h"
#include "verifiers/verifier.h"

namespace rlzero::verifiers {

struct JudgeOptions {
  JudgePromptTemplate prompt;
  std::string rubric = "The response answers the question correctly and completely.";
  VerdictFormat verdict;
  double pass_score = 0.5;
  std::string question_field = "question";
  std::string reference_field = "answer";
  int64_t max_response_chars = 32768;
  JudgeRequest sampling;  // everything but the prompt

  // Reads the grading options (not the connection ones) and validates them.
  static StatusOr<JudgeOptions> FromConfig(ConfigReader& options);
};

class JudgeVerifier : public Verifier {
 public:
  JudgeVerifier(JudgeOptions options, std::shared_ptr<JudgeModel> model);
  StatusOr<VerifyResult> Verify(const Json& sample, const Deadline& deadline) const override;
  // The prompt Verify would send for this sample (for tests and debugging).
  StatusOr<std::string> BuildPrompt(const Json& sample) const;

 private:
  JudgeOptions options_;
  std::shared_ptr<JudgeModel> model_;
};

// Registry factory: grading options, then env.connect_judge (FAILED_PRECONDITION
// when none is linked).
StatusOr<std::unique_ptr<Verifier>> MakeJudgeVerifier(ConfigReader& options,
                                                      const VerifierEnv& env);

}  // namespace rlzero::verifiers
