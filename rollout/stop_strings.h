// rollout/stop_strings.h: stop strings matched on decoded text, so a stop
// string that spans several tokens ("</ans" + "wer>") still stops the
// sequence at the token that completes it.
//
// Contract: after each new token the engine calls Matches with the whole
// completion so far. Only a tail window of tokens is decoded: enough tokens
// that the text before the newest token holds at least (longest stop - 1)
// bytes, so every occurrence that ends inside the newest token's text is
// seen; earlier occurrences were seen at earlier steps. The completion's text
// is cut right after the stop string (the stop string is kept, so a reward can
// still see "</answer>"); its token ids keep the whole completing token.
// Non-goals: regex stops, stop token ids (EOS ids are handled by the engine).
// Thread safety: const methods may run concurrently if `decode` may.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rlzero {

// Token ids -> text (the tokenizer's Decode, special tokens skipped).
using DecodeFn = std::function<std::string(const std::vector<int32_t>&)>;

class StopStringMatcher {
 public:
  StopStringMatcher() = default;
  StopStringMatcher(std::vector<std::string> stops, DecodeFn decode);

  bool empty() const { return stops_.empty(); }
  // True if a stop string occurs in the decoded tail of `tokens`.
  // scratch: reused buffer for the window.
  bool Matches(const std::vector<int32_t>& tokens, std::vector<int32_t>* scratch) const;
  // Position just past the earliest-ending stop string in text, or npos.
  size_t CutPosition(const std::string& text) const;

 private:
  std::vector<std::string> stops_;
  size_t max_len_ = 0;
  DecodeFn decode_;
};

}  // namespace rlzero
