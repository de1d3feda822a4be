// policy/tokenizer/regex.h: a compiled PCRE2 pattern (UTF + UCP, JIT when
// available) that finds all non-overlapping matches in a UTF-8 string, as
// Hugging Face tokenizers' Split pre-tokenizer needs (its patterns use \p{L},
// \p{N} and lookahead, beyond std::regex and RE2).
// \s means Unicode White_Space, as in Oniguruma (which Hugging Face
// tokenizers uses for Split) and Rust: PCRE2 10.42 would add U+180E.
// Contract: subjects are valid UTF-8 (the tokenizer repairs input first).
// Empty matches are skipped. A match error (e.g. the JIT stack limit on a
// pathological subject) ends matching early and is reported by FindAll.
// Thread safety: immutable after Compile; FindAll is reentrant (per-thread
// match data and JIT stack).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace rlzero::tokenizer_internal {

class Regex {
 public:
  // literal: match `pattern` as a plain string (tokenizer.json {"String": ...}).
  static StatusOr<std::unique_ptr<Regex>> Compile(const std::string& pattern, bool literal);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Calls on_match(begin, end) (byte offsets into subject) for each match, in
  // order. Returns false if matching stopped on an error.
  bool FindAll(std::string_view subject, const std::function<void(size_t, size_t)>& on_match) const;

 private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code_8*
};

// The pattern with \s and \S (outside character classes; \s inside them too)
// spelled out as Unicode White_Space, Oniguruma's and Rust's meaning. Compile
// applies it; exposed for tests.
std::string RewriteWhitespaceClasses(const std::string& pattern);

}  // namespace rlzero::tokenizer_internal
