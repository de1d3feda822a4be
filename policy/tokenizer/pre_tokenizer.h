// policy/tokenizer/pre_tokenizer.h: the tokenizer.json "pre_tokenizer"
// section, which cuts normalized text into pieces that BPE encodes
// independently. Supported, as Qwen2/Qwen3, Llama-3 and DeepSeek-V3 use them:
//   Split {pattern: {Regex|String}, behavior, invert}   (PCRE2, UTF + UCP)
//   ByteLevel {add_prefix_space, use_regex}  (GPT-2 regex when use_regex; the
//             byte -> Unicode mapping itself happens in the BPE model)
//   Digits {individual_digits}
//   Sequence {pretokenizers: [...]}
// Non-goals: Whitespace, Metaspace, Punctuation, BertPreTokenizer (loading a
// file that uses them fails with UNIMPLEMENTED); offsets.
// Contract: pieces are byte ranges of valid UTF-8 text; their concatenation
// is the input (plus any prefix spaces ByteLevel adds). Empty pieces are
// dropped.
// Thread safety: immutable after FromJson; Split is const and reentrant.
#pragma once

#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "policy/tokenizer/regex.h"

namespace rlzero::tokenizer_internal {

class PreTokenizer {
 public:
  enum class Behavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

  // Returns nullptr for a null pre_tokenizer (the whole text is one piece).
  static StatusOr<std::unique_ptr<PreTokenizer>> FromJson(const nlohmann::json& j,
                                                          const std::string& where);
  // Appends the pieces of `text` to *pieces. Views point into `text` or into
  // strings that Split adds to *arena (which must outlive the views).
  Status Split(std::string_view text, std::vector<std::string_view>* pieces,
               std::deque<std::string>* arena) const;
  // True if the chain contains a ByteLevel step (byte-level BPE).
  bool byte_level() const { return byte_level_; }

 private:
  struct Step {
    bool prefix_space = false;           // ByteLevel add_prefix_space
    std::shared_ptr<const Regex> regex;  // a splitting step when set
    Behavior behavior = Behavior::kIsolated;
    bool invert = false;
  };
  Status AddSteps(const nlohmann::json& j, const std::string& where);
  Status AddRegex(const std::string& pattern, bool literal, Behavior behavior, bool invert,
                  const std::string& where);

  std::vector<Step> steps_;
  bool byte_level_ = false;
};

}  // namespace rlzero::tokenizer_internal
