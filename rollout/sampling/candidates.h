// rollout/sampling/candidates.h: the working set a sampler chain narrows down:
// (token id, logit) pairs for one row of logits, reused across steps so
// sampling allocates nothing per token once its capacity reaches the
// vocabulary size.
//
// Contract: `items[0, size)` are the live candidates. When `sorted` is true
// they are in descending logit order with ties broken by ascending id, the
// order every stage that needs one uses, so results are deterministic.
// Thread safety: none; one Candidates per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rlzero {

struct Candidate {
  float logit;
  int32_t id;
};

struct Candidates {
  std::vector<Candidate> items;  // capacity >= vocab
  size_t size = 0;
  bool sorted = false;
  // exp(logit - max) of items[0, size) in double, when a stage that computes
  // them keeps them for the pick (SamplerChain without truncation).
  std::vector<double> weights;

  // Loads raw logits [vocab] in id order (unsorted).
  void Load(const float* logits, int64_t vocab) {
    if (items.size() < static_cast<size_t>(vocab)) items.resize(static_cast<size_t>(vocab));
    for (int64_t i = 0; i < vocab; ++i) items[i] = Candidate{logits[i], static_cast<int32_t>(i)};
    size = static_cast<size_t>(vocab);
    sorted = false;
  }
  // Sorts the live candidates (descending logit, ascending id) if not sorted.
  void Sort();
  // Max logit of the live candidates (size must be > 0).
  float MaxLogit() const;
};

// Descending logit, ties by ascending id: the one order used everywhere.
inline bool CandidateBefore(const Candidate& a, const Candidate& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

}  // namespace rlzero
