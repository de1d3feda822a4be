// rollout/device_sampler.h: the sampler chain (sampling/sampler_chain.h) as
// batched tensor ops, so a GPU engine samples where its logits are and copies
// back B tokens and B log-probs per step instead of [B, V] logits (tens of
// MB at a 150K vocabulary) for a host pass over every row.
//
// Same rule as the host chain, step by step:
//   - temperature: float32 logits divided by float32(T), as the host's
//     `logit /= T` (the divisor is a 0-dim tensor on the logits' device:
//     CUDA's division by a host scalar multiplies by the reciprocal, which
//     rounds differently);
//   - log-prob: logit - log Z over the full vocabulary, in double, after
//     temperature and before truncation (T = 1 when greedy);
//   - greedy: the first maximum (lowest id);
//   - candidate order: id order, or descending logit with ties by ascending
//     id (a stable sort) when top-k or top-p is on, as the host stages sort;
//     top-k keeps the first k, top-p the shortest prefix whose renormalised
//     mass reaches p, min-p those >= max + log(min_p), in that order;
//   - pick: the first candidate, in that order, whose cumulative mass
//     exceeds u times the survivors' total (the last survivor if rounding
//     leaves none), in double.
// On CPU tensors the sums run in the host chain's order, so tokens and
// log-probs equal the host chain's (tested). On CUDA the sums are parallel
// reductions: totals differ in the last bits, so a token differs only when
// u falls within ~1e-16 of a boundary, and log-probs agree to float.
// Thread safety: Sample is const.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "policy/torch_compat.h"
#include "rollout/sampling_params.h"

namespace rlzero {

struct DeviceSamples {
  torch::Tensor tokens;    // [B] int64
  torch::Tensor logprobs;  // [B] float32
};

class DeviceSampler {
 public:
  // INVALID_ARGUMENT on bad params (SamplingParams::Validate).
  static StatusOr<DeviceSampler> FromParams(const SamplingParams& params);

  // logits: [B, V] (float32, or any float dtype: converted); u: [B] float64
  // uniforms in [0, 1) on the logits' device (ignored when greedy).
  DeviceSamples Sample(const torch::Tensor& logits, const torch::Tensor& u) const;

  bool greedy() const { return greedy_; }

 private:
  bool greedy_ = false;
  double temperature_ = 1.0;
  int64_t top_k_ = 0;  // <= 0: off
  double top_p_ = 1.0;
  double min_p_ = 0.0;
};

}  // namespace rlzero
