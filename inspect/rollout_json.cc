// inspect/rollout_json.cc
#include "inspect/rollout_json.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace rlzero::inspect {

namespace {
// The double whose shortest decimal form is the float's shortest form, so
// -0.1f prints as -0.1 rather than -0.10000000149011612.
double ShortestFloat(float f) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf - 1, f);
  *res.ptr = '\0';
  return std::strtod(buf, nullptr);
}
}  // namespace

nlohmann::json RolloutToJson(const RolloutRecord& r, bool with_tokens) {
  nlohmann::json j;
  j["id"] = r.id;
  j["run_id"] = r.run_id;
  j["step"] = r.step;
  j["weights_version"] = r.weights_version;
  j["prompt_id"] = r.prompt_id;
  j["prompt"] = r.prompt;
  j["sample_index"] = r.sample_index;
  j["completion"] = r.completion;
  j["reward"] = r.reward;
  nlohmann::json rewards = nlohmann::json::object();
  for (const auto& [k, v] : r.rewards) rewards[k] = v;
  j["rewards"] = rewards;
  j["advantage"] = r.advantage;
  j["correct"] = r.correct;
  j["finish_reason"] = r.finish_reason;
  j["extracted_answer"] = r.extracted_answer;
  j["verifier_reason"] = r.verifier_reason;
  j["num_tokens"] = r.token_ids.size();
  j["generate_ms"] = r.generate_ms;
  j["verify_ms"] = r.verify_ms;
  if (with_tokens) {
    j["tokens"] = r.token_texts;
    j["token_ids"] = r.token_ids;
    nlohmann::json lps = nlohmann::json::array();
    for (float lp : r.token_logprobs) {
      lps.push_back(std::isfinite(lp) ? nlohmann::json(ShortestFloat(lp))
                                      : nlohmann::json(nullptr));
    }
    j["logprobs"] = lps;
  }
  return j;
}

nlohmann::json StepSummaryToJson(const StepSummary& s) {
  nlohmann::json j;
  j["step"] = s.step;
  j["rollouts"] = s.rollouts;
  j["prompts"] = s.prompts;
  j["reward_mean"] = s.reward_mean;
  j["reward_std"] = s.reward_std;
  j["accuracy"] = s.accuracy;
  j["tokens_mean"] = s.tokens_mean;
  nlohmann::json comps = nlohmann::json::object();
  for (const auto& [k, v] : s.component_means) comps[k] = v;
  j["rewards"] = comps;
  nlohmann::json fr = nlohmann::json::object();
  for (const auto& [k, v] : s.finish_reasons) fr[k] = v;
  j["finish_reasons"] = fr;
  return j;
}

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace rlzero::inspect
