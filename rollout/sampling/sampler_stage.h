// rollout/sampling/sampler_stage.h: one step of a sampler chain, in the
// llama.cpp manner: a small object that transforms the candidate set in
// place. The stages rlzero has: temperature scaling (temperature.cc) and the
// truncations top-k (top_k.cc), top-p (top_p.cc) and min-p (min_p.cc). The
// final pick (greedy or seeded random) lives in sampler_chain.h.
//
// Contract: Apply never empties a non-empty set (every truncation keeps the
// most likely token) and only removes or rescales candidates; it does not
// change which ids exist beyond that. Stages are immutable after
// construction. Thread safety: Apply is const and may run concurrently on
// different Candidates.
#pragma once

#include <memory>

#include "rollout/sampling/candidates.h"

namespace rlzero {

class SamplerStage {
 public:
  virtual ~SamplerStage() = default;
  virtual const char* name() const = 0;
  virtual void Apply(Candidates& c) const = 0;
};

// logits /= temperature (temperature > 0).
std::unique_ptr<SamplerStage> MakeTemperatureStage(double temperature);
// Keeps the k most likely candidates (k >= 1); leaves them sorted.
std::unique_ptr<SamplerStage> MakeTopKStage(int k);
// Keeps the smallest most-likely prefix whose probability mass (renormalised
// over the live candidates) reaches p, p in (0, 1]; leaves them sorted.
std::unique_ptr<SamplerStage> MakeTopPStage(double p);
// Keeps candidates with probability >= min_p * (max probability), min_p in
// (0, 1); preserves order.
std::unique_ptr<SamplerStage> MakeMinPStage(double min_p);

}  // namespace rlzero
