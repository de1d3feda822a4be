// policy/tokenizer/normalizer.h: the tokenizer.json "normalizer" section:
// Unicode normalization forms (NFC, NFD, NFKC, NFKD, via utf8proc),
// Lowercase, and Sequence of those. A null normalizer is the identity.
// Non-goals: BertNormalizer, Precompiled (SentencePiece charsmaps), Replace,
// Strip, Prepend: loading a file that uses them fails with UNIMPLEMENTED.
// Contract: input is valid UTF-8; output is valid UTF-8.
// Thread safety: immutable after FromJson; Normalize is const and reentrant.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rlzero::tokenizer_internal {

class Normalizer {
 public:
  enum class Kind { kNfc, kNfd, kNfkc, kNfkd, kLowercase };

  // `where` names the JSON path in errors ("tokenizer.json: normalizer").
  // Returns nullptr for a null normalizer or an empty Sequence.
  static StatusOr<std::unique_ptr<Normalizer>> FromJson(const nlohmann::json& j,
                                                        const std::string& where);
  std::string Normalize(std::string_view text) const;

 private:
  std::vector<Kind> steps_;
};

// One normalization form applied to valid UTF-8 (exposed for tests).
std::string ApplyNormalization(Normalizer::Kind kind, std::string_view text);

}  // namespace rlzero::tokenizer_internal
