// inspect/rollout_json.h: the JSON shapes of rollouts and step summaries, shared
// by `rlzero inspect --json` (one object per line) and the HTML report.
//
// Rollout fields (contract): id, run_id, step, weights_version, prompt_id,
// prompt, sample_index, completion, reward, rewards {component: value},
// advantage, correct, finish_reason, extracted_answer, verifier_reason,
// num_tokens, generate_ms, verify_ms; with tokens: tokens [text], token_ids,
// logprobs. Invalid UTF-8 in model text is replaced by U+FFFD (JSON must be
// UTF-8); the store keeps the original bytes.
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "inspect/metrics_log.h"
#include "inspect/rollout_reader.h"
#include "inspect/rollout_record.h"

namespace rlzero::inspect {

nlohmann::json RolloutToJson(const RolloutRecord& r, bool with_tokens);
nlohmann::json StepSummaryToJson(const StepSummary& s);
// Compact JSON text, never throws: invalid UTF-8 becomes U+FFFD.
std::string DumpJson(const nlohmann::json& j);

}  // namespace rlzero::inspect
