// learner/learner.h: the GRPO learner. Owns the optimiser and the objective;
// turns a batch of scored samples into mu * mini_batches optimiser steps on
// the policy it is given.
//
// Stages a trainer calls, in order, per training step:
//   ComputeReferenceLogProbs  (only if beta > 0; fills ref_logprobs)
//   ComputeOldLogProbs        (fills old_logprobs, returns the mismatch KL)
//   Update                    (the policy-gradient steps; returns metrics)
// Update splits the batch into `mini_batches` contiguous mini-batches, each
// into micro-batches under the token budget (micro_batching.h), accumulates
// gradients over the micro-batches (exact, see loss_aggregation.h), clips the
// global grad norm and steps AdamW with the scheduled learning rate of `step`.
// Batches are right-padded and attention is plain causal, so padding never
// influences a real token; pads carry no loss.
// MoE policies (policy/expert_balancing.h): after each optimiser step the
// experts' selection biases move toward uniform load by
// moe.bias_update_speed, from the tokens routed in that step's forward passes
// (pad tokens are routed but not counted; data parallel: the loads are summed
// over ranks first, so every replica keeps the bias one process would have);
// Update reports the load statistics (of the global batch).
//
// Data parallel (optional DataParallelGroup, learner/distributed/): every
// rank is given the same GLOBAL batch. Each mini-batch of the global batch is
// split into contiguous per-rank shards (ShardIndices), so rank r's k-th
// mini-batch is its part of the global k-th mini-batch and N ranks take the
// same optimiser steps as one. A rank computes log-probs only for its own
// shards. The aggregation denominators (tokens, sequences) are all-reduced
// before the loss, gradients are all-reduced (sum) before clipping, and the
// metric sums are all-reduced, so every rank returns the same UpdateMetrics
// and holds the same weights. Every rank must call the stages in the same
// order. Without a group (or world size 1) this is plain single-process
// training, unchanged.
// State for exact resume: SaveState / LoadState write the AdamW moments and
// step counts (optimizer.pt); the model weights are saved by the caller.
// Precision and memory (GrpoConfig): grpo.autocast = bfloat16 runs every
// policy forward (old log-probs, reference, training) under autocast with
// float32 master weights (parameters, gradients, AdamW moments); the
// policy's parameters must be float32. grpo.logprob_chunk_tokens > 0 turns
// hidden states into log-probs chunk by chunk (policy/linear_logprobs.h).
// Errors: Status; LibTorch exceptions are caught at this boundary.
// Thread safety: not thread-safe; one trainer thread drives it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "learner/grpo_objective.h"
#include "learner/learner_config.h"
#include "learner/token_logprobs.h"
#include "learner/train_sample.h"
#include "policy/causal_lm.h"

namespace rlzero {

class DataParallelGroup;

struct UpdateMetrics {
  double loss = 0;         // mean aggregated loss over optimiser steps
  double policy_loss = 0;  // token mean of the (IS-weighted) policy term
  double kl = 0;           // token mean of the KL estimator (0 if beta == 0)
  double entropy = 0;      // token mean
  double clip_frac = 0;
  double clip_frac_low = 0;
  double clip_frac_high = 0;
  double tis_truncated_frac = 0;
  double grad_norm = 0;  // mean pre-clip global norm over optimiser steps
  double lr = 0;
  int64_t optimizer_steps = 0;
  int64_t tokens = 0;  // counted (loss) tokens per pass
  // Token means above are over every pass (epochs x mini-batches).
  // MoE policies only (empty for dense ones): expert load over this update's
  // training forward passes, "moe/load_max_over_mean", "moe/load_cv" (means
  // over MoE layers), "moe/load_max_over_mean_worst" (worst layer).
  std::map<std::string, double> moe;
};

class Learner {
 public:
  // policy: trained in place. reference: frozen, required iff beta > 0.
  // group: optional data-parallel group (not owned, must outlive the
  // learner); the caller has already made the replicas identical
  // (BroadcastModuleState).
  static StatusOr<std::unique_ptr<Learner>> Create(std::shared_ptr<CausalLM> policy,
                                                   std::shared_ptr<CausalLM> reference,
                                                   const GrpoConfig& grpo, const OptimConfig& optim,
                                                   int64_t max_response_len,
                                                   const MoeBalanceConfig& moe = {},
                                                   DataParallelGroup* group = nullptr);

  Status ComputeReferenceLogProbs(std::vector<TrainSample>* samples);
  // Fills old_logprobs with the policy's current log-probs and returns the
  // token-mean k3 estimate of KL(behaviour || learner) ("mismatch_kl").
  // Data parallel: both fill only this rank's samples (local_indices()); the
  // mismatch KL is over the global batch.
  StatusOr<double> ComputeOldLogProbs(std::vector<TrainSample>* samples);
  // step: the trainer step (selects the learning rate).
  StatusOr<UpdateMetrics> Update(const std::vector<TrainSample>& samples, int64_t step);

  Status SaveState(const std::string& path) const;
  Status LoadState(const std::string& path);

  // The samples of a global batch of n that this rank trains on (all of them
  // without a group), ascending.
  std::vector<int> local_indices(int n) const;

  bool needs_reference() const { return grpo_.objective.beta > 0.0; }
  const GrpoConfig& grpo() const { return grpo_; }
  const LogProbOptions& logprob_options() const { return logprob_options_; }

 private:
  Learner() = default;
  Status LogProbsInto(CausalLM& model, std::vector<TrainSample>* samples, bool reference);
  void SetLearningRate(double lr);
  // This rank's part of each global mini-batch (indices into the batch).
  std::vector<std::vector<int>> LocalMiniBatches(int n) const;
  // Sums `values` over ranks in place (no-op without a group).
  Status SumOverRanks(std::vector<double>* values) const;
  // Per-layer expert loads ([E] int64 CPU) summed over ranks (the input
  // without a group); reduced on `device` (the model's).
  StatusOr<std::vector<torch::Tensor>> SumLoadsOverRanks(std::vector<torch::Tensor> loads,
                                                         torch::Device device) const;

  std::shared_ptr<CausalLM> policy_;
  std::shared_ptr<CausalLM> reference_;
  GrpoConfig grpo_;
  OptimConfig optim_;
  MoeBalanceConfig moe_;
  int64_t max_response_len_ = 1;
  std::unique_ptr<GrpoObjective> objective_;
  LogProbOptions logprob_options_;  // from grpo.logprob_chunk_tokens / grpo.autocast
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  DataParallelGroup* group_ = nullptr;  // not owned; null = single process
};

// One padded micro-batch. Shapes: input_ids [B, L] int64; everything else
// [B, L-1] aligned on target tokens (target t = input_ids[:, t+1]); advantages [B].
struct CollatedBatch {
  torch::Tensor input_ids;
  torch::Tensor targets;
  torch::Tensor mask;
  torch::Tensor behaviour_logprobs;
  torch::Tensor old_logprobs;
  torch::Tensor ref_logprobs;  // undefined if the samples carry none
  torch::Tensor advantages;
  torch::Tensor real_tokens;  // [B, L] bool: prompt and completion, false on the padding
};

// Collates samples[indices] (right padding with token 0). Fails naming the
// sample if a prompt is empty or a per-token vector has the wrong length.
StatusOr<CollatedBatch> CollateSamples(const std::vector<TrainSample>& samples,
                                       const std::vector<int>& indices, torch::Device device);

// Forward pass: logits of targets -> (logprobs [B, L-1] float32, entropy or
// undefined). options.autocast: the model's forward (and the lm_head
// projection) run under autocast to that dtype on the model's device;
// log-softmax stays float32. options.chunk_tokens > 0: the fused chunked
// lm_head + log-softmax instead of full [B, L-1, V] logits. Default options
// are the plain float32 path, bit for bit.
std::pair<torch::Tensor, torch::Tensor> ForwardLogProbs(CausalLM& model,
                                                        const torch::Tensor& input_ids,
                                                        const torch::Tensor& targets,
                                                        EntropyMode entropy_mode,
                                                        const LogProbOptions& options = {});

}  // namespace rlzero
