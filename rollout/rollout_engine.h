// rollout/rollout_engine.h: prompts (token ids) -> n sampled completions each,
// with the log-prob of every sampled token. The engine the rollout worker
// wraps and the learner can drive in-process.
//
// How it runs (continuous batching): up to max_batch sequences (prompt i,
// sample j) decode together, one token per step, in slots [0, active) of a
// SlotKvCache. Each prompt is prefilled once (prompts admitted together are
// prefilled in one padded forward); its cache prefix is copied to the slots
// of its n samples, and its last logits give every sample its first token.
// A sequence finishes on an EOS id, a stop string (stop_strings.h) or
// max_new_tokens; its slot is freed, the live slots are kept contiguous, and
// free slots are refilled from the waiting sequences before the next step.
//
// Contract:
//   - Output: one Completion per (prompt, sample), ordered by prompt then
//     sample. finish_reason "stop" (EOS id or stop string) or "length".
//     token_ids include the EOS / stop-completing token; logprobs align with
//     token_ids. text is decode(token_ids) (special tokens skipped by the
//     DecodeFn), cut just after the stop string when one stopped it.
//   - logprobs: log softmax(logits / T)[token] in float32 logits, over the
//     full vocabulary, after temperature and before truncation (T = 1 when
//     greedy): the behaviour policy's log-prob. Equal to the policy's
//     TokenLogProbs on the same tokens at T = 1 (tests/rollout, 1e-4).
//   - Randomness: SeededUniform(seed, prompt_index, sample_index, step) only
//     (sampling/seeded_uniform.h). The same request with the same options
//     gives bit-identical output on CPU. Across different max_batch or
//     batch composition the model's float reductions may differ in the last
//     bits (matmul blocking depends on the batch), so tokens agree except when
//     a uniform falls within ~1e-7 of a boundary (tested: no change).
//   - Weights: the engine holds the CausalLM by shared_ptr and reads its
//     current parameters at every forward; a learner that updates the same
//     module in place (under no concurrent Generate) needs no reload. The
//     cache is dtype/device of the model's first parameter.
//   - Errors: bad params, empty/out-of-vocab prompts, prompts longer than
//     max_len -> INVALID_ARGUMENT naming the prompt; LibTorch errors are
//     caught and returned as INTERNAL.
// Non-goals: speculative decoding, prefix caching across requests, beam search.
// Thread safety: one Generate at a time per engine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "policy/causal_lm.h"
#include "rollout/device_sampler.h"
#include "rollout/kv_cache.h"
#include "rollout/sampling_params.h"
#include "rollout/static_decoder.h"
#include "rollout/stop_strings.h"

namespace rlzero {

struct RolloutEngineOptions {
  int64_t max_batch = 64;              // sequences decoded together (cache slots)
  int64_t max_prefill_tokens = 8192;   // rows x padded length per prefill forward
  int64_t max_len = 0;                 // cache positions per slot; 0 = per request
  std::vector<int32_t> eos_token_ids;  // any of them ends a sequence
  // Decode steps as CUDA graphs (rollout/static_decoder.h): "auto" (on for
  // CUDA models whose family supports it), "on" (also the static padded step
  // eagerly on CPU), "off".
  std::string cuda_graphs = "auto";
  // Decode-step sampling where the logits are (rollout/device_sampler.h):
  // "auto" (on for CUDA models: B tokens and log-probs come back instead of
  // [B, V] logits), "on" (also on CPU, as tensor ops), "off" (the host chain).
  // Prefill's first tokens always use the host chain.
  std::string device_sampling = "auto";
  Status Validate() const;
};

// One of the engine's switches (cuda_graphs, device_sampling): "auto" | "on"
// | "off"; INVALID_ARGUMENT "<field> '<value>' is not auto, on or off".
Status ValidateEngineSwitch(const std::string& field, const std::string& value);

struct Completion {
  int32_t prompt_index = 0;
  int32_t sample_index = 0;
  std::vector<int32_t> token_ids;
  std::vector<float> logprobs;  // aligned with token_ids
  std::string text;
  std::string finish_reason;  // "stop" | "length"
};

// Where the time of the last Generate went (seconds; tokens counted once).
struct RolloutStats {
  int64_t prefill_tokens = 0;  // prompt tokens prefilled (not padding)
  int64_t decode_tokens = 0;   // tokens produced by decode steps
  int64_t decode_steps = 0;
  double prefill_seconds = 0;          // prefill forwards + logits
  double decode_seconds = 0;           // everything in the decode loop
  double decode_model_seconds = 0;     // of which model Forward + Logits
  double decode_sampling_seconds = 0;  // of which sampling + stop checks
  double total_seconds = 0;
  // Static decode steps (cuda_graphs): graphs recorded, steps replayed,
  // static steps run eagerly, padding rows computed and dropped.
  int64_t graph_captures = 0;
  int64_t graph_replays = 0;
  int64_t static_eager_steps = 0;
  int64_t padded_rows = 0;
};

class RolloutEngine {
 public:
  // decode may be null when no request uses stop strings or text.
  RolloutEngine(std::shared_ptr<CausalLM> model, RolloutEngineOptions options,
                DecodeFn decode = nullptr);
  ~RolloutEngine();

  // prompts: token ids, each non-empty and < vocab_size.
  StatusOr<std::vector<Completion>> Generate(const std::vector<std::vector<int32_t>>& prompts,
                                             const SamplingParams& params);

  const RolloutStats& last_stats() const { return stats_; }
  CausalLM& model() { return *model_; }

 private:
  class Run;  // the state of one Generate call (rollout_engine.cc)
  Status EnsureCache(int64_t slots, int64_t max_len);

  std::shared_ptr<CausalLM> model_;
  RolloutEngineOptions options_;
  DecodeFn decode_;
  std::unique_ptr<SlotKvCache> cache_;
  std::unique_ptr<StaticDecoder> static_decoder_;  // null: the plain decode step
  RolloutStats stats_;
};

}  // namespace rlzero
