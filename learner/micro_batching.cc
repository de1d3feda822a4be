// learner/micro_batching.cc: greedy padded-cost packing (see header).
#include "learner/micro_batching.h"

#include <algorithm>
#include <numeric>

namespace rlzero {

std::vector<std::vector<int>> PlanMicroBatches(const std::vector<int64_t>& lengths,
                                               int64_t token_budget) {
  std::vector<std::vector<int>> plan;
  if (lengths.empty()) return plan;
  std::vector<int> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  if (token_budget <= 0) {
    plan.push_back(order);
    return plan;
  }
  // Longest first: the first member of a micro-batch fixes its padded length.
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return lengths[a] > lengths[b]; });
  std::vector<int> current;
  int64_t current_max = 0;
  for (int idx : order) {
    const int64_t len = std::max<int64_t>(lengths[idx], 1);
    const int64_t new_max = std::max(current_max, len);
    const int64_t cost = new_max * static_cast<int64_t>(current.size() + 1);
    if (!current.empty() && cost > token_budget) {
      plan.push_back(std::move(current));
      current.clear();
      current_max = 0;
    }
    current.push_back(idx);
    current_max = std::max(current_max, len);
  }
  if (!current.empty()) plan.push_back(std::move(current));
  return plan;
}

std::vector<std::vector<int>> SplitEvenly(int n, int parts) {
  std::vector<std::vector<int>> out;
  if (n <= 0) return out;
  parts = std::clamp(parts, 1, n);
  int next = 0;
  for (int p = 0; p < parts; ++p) {
    int size = n / parts + (p < n % parts ? 1 : 0);
    std::vector<int> chunk(size);
    std::iota(chunk.begin(), chunk.end(), next);
    next += size;
    out.push_back(std::move(chunk));
  }
  return out;
}

}  // namespace rlzero
