// verifiers/judge_verifier.cc
#include "verifiers/judge_verifier.h"

namespace rlzero::verifiers {
namespace {

// A sample field as prompt text: strings as they are, other JSON dumped,
// absent or null as "".
std::string FieldText(const Json& sample, const std::string& key) {
  if (key.empty() || !sample.contains(key)) return "";
  const Json& v = sample[key];
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

StatusOr<JudgeOptions> JudgeOptions::FromConfig(ConfigReader& r) {
  JudgeOptions o;
  std::string text = JudgePromptTemplate::DefaultText();
  r.Get("template", &text);
  auto prompt = JudgePromptTemplate::Parse(text);
  if (!prompt.ok()) return prompt.status();
  o.prompt = std::move(prompt).value();
  r.Get("rubric", &o.rubric);
  std::string verdict = "yes_no";
  r.Get("verdict", &verdict);
  RLZ_ASSIGN_OR_RETURN(o.verdict.kind, VerdictFormat::KindFromName(verdict));
  r.Get("score_min", &o.verdict.score_min);
  r.Get("score_max", &o.verdict.score_max);
  RLZ_RETURN_IF_ERROR(o.verdict.Validate());
  r.Get("pass_score", &o.pass_score);
  if (!(o.pass_score > 0 && o.pass_score <= 1))
    return InvalidArgument("judge: pass_score must be in (0, 1]");
  r.Get("question_field", &o.question_field);
  r.Get("reference_field", &o.reference_field);
  r.Get("max_response_chars", &o.max_response_chars);
  if (o.max_response_chars <= 0) return InvalidArgument("judge: max_response_chars must be > 0");
  r.Get("temperature", &o.sampling.temperature);
  r.Get("top_p", &o.sampling.top_p);
  r.Get("max_new_tokens", &o.sampling.max_new_tokens);
  r.Get("stop", &o.sampling.stop);
  r.Get("seed", &o.sampling.seed);
  if (!(o.sampling.temperature >= 0)) return InvalidArgument("judge: temperature must be >= 0");
  if (!(o.sampling.top_p > 0 && o.sampling.top_p <= 1))
    return InvalidArgument("judge: top_p must be in (0, 1]");
  if (o.sampling.max_new_tokens < 1) return InvalidArgument("judge: max_new_tokens must be >= 1");
  return o;
}

JudgeVerifier::JudgeVerifier(JudgeOptions options, std::shared_ptr<JudgeModel> model)
    : options_(std::move(options)), model_(std::move(model)) {}

StatusOr<std::string> JudgeVerifier::BuildPrompt(const Json& sample) const {
  if (!sample.is_object() || !sample.contains("response") || !sample["response"].is_string())
    return InvalidArgument("judge: sample needs a string field 'response'");
  JudgePromptFields f;
  f.rubric = options_.rubric;
  f.question = FieldText(sample, options_.question_field);
  f.reference = FieldText(sample, options_.reference_field);
  f.response = sample["response"].get<std::string>();
  return options_.prompt.Render(f);
}

StatusOr<VerifyResult> JudgeVerifier::Verify(const Json& sample, const Deadline& deadline) const {
  RLZ_ASSIGN_OR_RETURN(std::string prompt, BuildPrompt(sample));
  VerifyResult r;
  const auto& response = sample["response"].get_ref<const std::string&>();
  if (static_cast<int64_t>(response.size()) > options_.max_response_chars) {
    r.reason = "response has " + std::to_string(response.size()) + " bytes, over the judge's " +
               std::to_string(options_.max_response_chars);
    return r;
  }
  JudgeRequest request = options_.sampling;
  request.prompt = std::move(prompt);
  auto text = model_->Generate(request, deadline);
  if (!text.ok()) return text.status().WithContext("judge");
  Verdict v = ParseVerdict(*text, options_.verdict);
  r.extracted = v.extracted;
  if (!v.parsed) {
    r.reason = v.reason;
    return r;
  }
  r.score = v.score;
  r.correct = v.score >= options_.pass_score;
  if (!r.correct) r.reason = "judge's verdict: " + v.extracted;
  return r;
}

StatusOr<std::unique_ptr<Verifier>> MakeJudgeVerifier(ConfigReader& options,
                                                      const VerifierEnv& env) {
  RLZ_ASSIGN_OR_RETURN(JudgeOptions o, JudgeOptions::FromConfig(options));
  if (env.connect_judge == nullptr)
    return FailedPrecondition(
        "judge: no judge-model transport linked (it comes with rlzero_rewards)");
  RLZ_ASSIGN_OR_RETURN(std::shared_ptr<JudgeModel> model, env.connect_judge(options));
  return std::unique_ptr<Verifier>(new JudgeVerifier(std::move(o), std::move(model)));
}

}  // namespace rlzero::verifiers
