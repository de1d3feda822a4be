// rollout/sampling/candidates.cc: sorting and max of a candidate set.
#include "rollout/sampling/candidates.h"

#include <algorithm>

namespace rlzero {

void Candidates::Sort() {
  if (sorted) return;
  std::sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(size), CandidateBefore);
  sorted = true;
}

float Candidates::MaxLogit() const {
  if (sorted) return items[0].logit;
  float m = items[0].logit;
  for (size_t i = 1; i < size; ++i) m = std::max(m, items[i].logit);
  return m;
}

}  // namespace rlzero
