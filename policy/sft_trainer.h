// policy/sft_trainer.h: supervised fine-tuning / pretraining of a CausalLM on
// JSONL, the engine behind `rlzero sft` (how the embedded tiny base model is
// made, and the cold-start / distillation stage of the R1 pipeline).
//
// Data: one JSON object per line, any of
//   {"prompt": str, "response": str}          loss on response tokens only
//   {"prompt_ids": [..], "response_ids": [..]} same, pre-tokenised
//   {"text": str}  |  {"ids": [..]}            plain LM loss on every token
// Text goes through the model dir's tokenizer (policy/text_encoder.h).
// Sequences are [bos?] prompt response [eos?], truncated to max_seq_len.
// Training: AdamW (weight decay on matrices only), linear warm-up then cosine
// decay to lr * min_lr_ratio, gradient accumulation (the loss is the mean over
// every response token of the optimizer step), gradient-norm clipping; for
// models with MTP modules, the weighted MTP loss (see mtp_loss_weight); for
// MoE models, optional expert-bias balancing (moe_bias_update_speed).
// Output: metrics as JSON lines on `metrics` (stdout; "loss" is the main
// next-token loss, "mtp_loss" the unweighted MTP term when it is on), progress with ETA on
// stderr, checkpoints in the HF layout under run_dir (checkpoint-<step>/ and
// final/), with the model dir's tokenizer files.
// Non-goals: resuming optimizer state, data parallelism (the learner does
// those for RL), packing.
// Thread safety: one run per process.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero {

struct SftConfig {
  std::string model;    // model dir to start from (HF layout)
  std::string data;     // JSONL file
  std::string run_dir;  // checkpoints, resolved config
  std::string device = "cpu";
  std::string dtype = "float32";  // parameter / compute dtype
  std::string save_dtype;         // on-disk dtype; "" = the model's config torch_dtype
  int64_t max_steps = 0;          // 0: derived from epochs
  double epochs = 1.0;
  int64_t batch_size = 8;  // sequences per micro-batch
  int64_t grad_accum = 1;  // micro-batches per optimizer step
  double lr = 1e-4;
  double min_lr_ratio = 0.1;
  int64_t warmup_steps = 0;
  double weight_decay = 0.0;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double adam_eps = 1e-8;
  double grad_clip = 1.0;  // <= 0: off
  int64_t max_seq_len = 1024;
  bool add_bos = false;
  bool append_eos = true;  // after the response / text, if an eos id is known
  bool shuffle = true;
  uint64_t seed = 0;
  int64_t save_every = 0;  // steps; 0: only the final checkpoint
  int64_t log_every = 1;
  int64_t chunk_tokens = 1024;  // log-prob chunking (policy/logprobs.h)
  // Multi-Token Prediction (models with MTP modules, e.g. deepseek_v3 with
  // num_nextn_predict_layers > 0; ignored otherwise): the loss adds
  // mtp_loss_weight / D * sum over the D depths of the modules' cross-entropy
  // (DeepSeek-V3's lambda, 0.3 early in its pre-training). 0: off.
  double mtp_loss_weight = 0.3;
  // Auxiliary-loss-free expert balancing (models with routed experts,
  // policy/expert_balancing.h; ignored otherwise): after every optimizer step
  // each MoE layer's selection bias moves by this rate toward uniform load,
  // from the step's real (non-padding) tokens. DeepSeek-V3 pre-trains with
  // 0.001. 0: off. Either way MoE models log "moe/load_max_over_mean",
  // "moe/load_cv" and "moe/load_max_over_mean_worst" of the logged step.
  double moe_bias_update_speed = 0.0;

  // Reads the section with defaults; unknown keys and bad values are reported
  // by reader->Finish().
  static SftConfig FromConfig(ConfigReader& reader);
};

// One tokenised example.
struct SftExample {
  std::vector<int64_t> ids;  // full sequence
  int64_t loss_start = 1;    // index of the first target token that carries loss
};

// Parses the JSONL file into examples (`encode_text` may be null: then text
// lines are an error naming the line).
class TextEncoder;
StatusOr<std::vector<SftExample>> LoadSftData(const std::string& path, const SftConfig& config,
                                              const TextEncoder* encoder,
                                              std::optional<int64_t> bos,
                                              std::optional<int64_t> eos, int64_t vocab_size);

struct SftSummary {
  int64_t steps = 0;
  double first_loss = 0, last_loss = 0;
  std::string final_dir;
};

// Runs the whole fine-tuning; metrics lines go to `metrics`.
StatusOr<SftSummary> RunSft(const SftConfig& config, std::FILE* metrics);

}  // namespace rlzero
