// learner/train_sample_codec.h: a compact binary encoding of a batch of
// TrainSamples, so that the data-parallel rank that drives rollouts (rank 0)
// can hand every other rank the same global batch (BroadcastBytes in
// learner/distributed/rank_zero.h).
//
// Format (host byte order: the ranks of one job run the same binary on the
// same architecture): "RLZTS1", u32 sample count, then per sample
//   u32 n + n x i32  prompt_ids
//   u32 n + n x i32  completion_ids
//   u32 n + n x f32  behaviour_logprobs, old_logprobs, ref_logprobs (each)
//   f64 advantage, u8 loss_masked
// Contract: DecodeTrainSamples(EncodeTrainSamples(s)) == s exactly. Decoding
// is bounds-checked: truncated or malformed input is DATA_LOSS naming the
// sample and the field, never a crash or an unbounded allocation.
// Non-goals: a stable on-disk format (checkpoints never store it).
// Torch-free. Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "learner/train_sample.h"

namespace rlzero {

std::string EncodeTrainSamples(const std::vector<TrainSample>& samples);
StatusOr<std::vector<TrainSample>> DecodeTrainSamples(const std::string& bytes);

}  // namespace rlzero
