// rollout/stop_strings.cc: windowed decoding for stop strings.
#include "rollout/stop_strings.h"

#include <algorithm>

namespace rlzero {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops, DecodeFn decode)
    : stops_(std::move(stops)), decode_(std::move(decode)) {
  for (const auto& s : stops_) max_len_ = std::max(max_len_, s.size());
}

bool StopStringMatcher::Matches(const std::vector<int32_t>& tokens,
                                std::vector<int32_t>* window) const {
  if (stops_.empty() || tokens.empty()) return false;
  const size_t n = tokens.size();
  // Grow the window until the text before the newest token is long enough
  // (or the window is the whole completion).
  size_t w = std::min(n, max_len_ + 1);
  for (;;) {
    if (w == n) break;
    window->assign(tokens.end() - static_cast<std::ptrdiff_t>(w), tokens.end() - 1);
    if (decode_(*window).size() + 1 >= max_len_) break;
    w = std::min(n, w * 2);
  }
  window->assign(tokens.end() - static_cast<std::ptrdiff_t>(w), tokens.end());
  const std::string text = decode_(*window);
  for (const auto& s : stops_) {
    if (text.find(s) != std::string::npos) return true;
  }
  return false;
}

size_t StopStringMatcher::CutPosition(const std::string& text) const {
  size_t best = std::string::npos;
  for (const auto& s : stops_) {
    size_t pos = text.find(s);
    if (pos != std::string::npos) best = std::min(best, pos + s.size());
  }
  return best;
}

}  // namespace rlzero
