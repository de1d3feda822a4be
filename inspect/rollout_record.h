// inspect/rollout_record.h: one scored completion, as the learner hands it to
// the rollout store (RUN_DIR/rollouts.sqlite) and as the inspector reads it
// back.
//
// Contract: the learner fills one RolloutRecord per completion of every step.
// Token arrays are parallel: token_ids[i], token_texts[i] (the decoded text of
// that token, stored at write time so the torch-free inspector needs no
// tokenizer) and token_logprobs[i] (behaviour log-prob of the sampled token,
// natural log) describe the i-th completion token; token_texts and
// token_logprobs may be empty when unknown, otherwise they have the length of
// token_ids (the writer rejects mismatches). `rewards` holds each reward
// component (name -> value before weighting is the caller's choice; the
// store keeps what it is given) and `reward` the total used for advantages.
// Non-goals: storing the prompt's tokens, model outputs other than the
// sampled completion. Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rlzero::inspect {

struct RolloutRecord {
  int64_t id = 0;  // assigned by the store on insert; 0 before
  std::string run_id;
  int64_t step = 0;             // training step that consumed this rollout
  int64_t weights_version = 0;  // policy version that generated it (async: may lag step)
  std::string prompt_id;
  std::string prompt;        // prompt text as sent to the model (after templating)
  int32_t sample_index = 0;  // index of this completion within its group (0..G-1)
  std::string completion;
  std::vector<int32_t> token_ids;         // [T]
  std::vector<std::string> token_texts;   // [T] or empty
  std::vector<float> token_logprobs;      // [T] or empty
  std::map<std::string, double> rewards;  // per component
  double reward = 0.0;                    // total
  double advantage = 0.0;
  bool correct = false;
  std::string finish_reason;     // "stop", "length", ...
  std::string extracted_answer;  // what the verifier parsed out of the completion
  std::string verifier_reason;   // why the verifier scored it so
  double generate_ms = 0.0;
  double verify_ms = 0.0;
  double wall_time = 0.0;  // seconds since the epoch when written; 0 = fill in on write
};

}  // namespace rlzero::inspect
