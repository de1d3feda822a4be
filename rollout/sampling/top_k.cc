// rollout/sampling/top_k.cc: keep the k most likely candidates.
#include <algorithm>

#include "rollout/sampling/sampler_stage.h"

namespace rlzero {
namespace {

class TopKStage : public SamplerStage {
 public:
  explicit TopKStage(int k) : k_(static_cast<size_t>(k)) {}
  const char* name() const override { return "top_k"; }
  void Apply(Candidates& c) const override {
    if (k_ < c.size) {
      auto begin = c.items.begin();
      auto kth = begin + static_cast<std::ptrdiff_t>(k_);
      if (!c.sorted) {
        // O(V) selection, then sort only the k survivors.
        std::nth_element(begin, kth, begin + static_cast<std::ptrdiff_t>(c.size), CandidateBefore);
        std::sort(begin, kth, CandidateBefore);
      }
      c.size = k_;
      c.sorted = true;
    } else {
      c.Sort();
    }
  }

 private:
  size_t k_;
};

}  // namespace

std::unique_ptr<SamplerStage> MakeTopKStage(int k) { return std::make_unique<TopKStage>(k); }

}  // namespace rlzero
