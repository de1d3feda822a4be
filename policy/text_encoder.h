// policy/text_encoder.h: text -> token ids for the commands that accept text
// (score, sft), through the model dir's tokenizer.json (policy/tokenizer).
// Keeps the commands' text handling in one place and their ids int64.
// Non-goals: decoding, chat templates. Thread safety: Encode is const.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero {

class TextEncoder {
 public:
  virtual ~TextEncoder() = default;
  // path: a model dir holding tokenizer.json, or a tokenizer.json file.
  static StatusOr<std::unique_ptr<TextEncoder>> Load(const std::string& path);
  // No special tokens added.
  virtual std::vector<int64_t> Encode(const std::string& text) const = 0;
  virtual std::optional<int64_t> bos_id() const = 0;
  virtual std::optional<int64_t> eos_id() const = 0;
};

}  // namespace rlzero
