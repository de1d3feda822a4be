// policy/tokenizer/tokenizer.h: Hugging Face tokenizer.json, byte-level BPE
// as Qwen2/Qwen3, Llama-3 and DeepSeek-V3 use it, and character-level BPE for
// tiny models. Encodings equal the Hugging Face reference (tests compare with
// fixtures made by the transformers.js port, tests/fixtures/tokenizer/).
//
// Pipeline of Encode (as tokenizers' Tokenizer::encode):
//   invalid UTF-8 repaired to U+FFFD
//   -> added tokens with normalized=false cut out of the raw text
//   -> normalizer (NFC, ...) on the rest -> added tokens with normalized=true
//   -> pre_tokenizer (Split regex / ByteLevel / Digits) -> BPE per piece
//   -> with add_special_tokens: BOS/EOS as tokenizer_config.json's
//      add_bos_token / add_eos_token say (transformers' LlamaTokenizerFast,
//      e.g. DeepSeek-V3), else the file's post_processor (TemplateProcessing
//      as Llama-3 uses it; ByteLevel adds nothing, as for Qwen).
// Decode maps ids to tokens (unknown ids are skipped; special added tokens
// too with skip_special_tokens), applies the decoder (ByteLevel, Fuse, or
// none: tokens joined by spaces, as tokenizers does) and repairs UTF-8.
//
// Non-goals: training tokenizers, offsets, truncation/padding, pairs,
// SentencePiece (Unigram, Metaspace, byte_fallback) models. Unsupported
// components fail Load with UNIMPLEMENTED naming the component.
// Thread safety: a loaded Tokenizer is immutable apart from an internal,
// locked word cache: Encode/Decode may be called from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero {

namespace tokenizer_internal {
struct TokenizerImpl;
}

class Tokenizer {
 public:
  // path: a tokenizer.json file or a model dir containing tokenizer.json (and
  // optionally tokenizer_config.json / generation_config.json for bos/eos/pad,
  // read from the directory that holds tokenizer.json). Errors name the file
  // and the JSON path.
  static StatusOr<std::unique_ptr<Tokenizer>> Load(const std::string& path);
  ~Tokenizer();

  std::vector<int32_t> Encode(const std::string& text, bool add_special_tokens = false) const;
  std::string Decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const;
  std::optional<int32_t> TokenToId(const std::string& token) const;  // exact vocab/added token
  int64_t vocab_size() const;  // max id + 1 over vocab and added tokens
  std::optional<int32_t> bos_id() const;
  std::optional<int32_t> eos_id() const;
  std::optional<int32_t> pad_id() const;

  // Encode without the BPE word cache (the benchmark's baseline).
  std::vector<int32_t> EncodeUncached(const std::string& text) const;

 private:
  explicit Tokenizer(std::unique_ptr<tokenizer_internal::TokenizerImpl> impl);
  static StatusOr<std::unique_ptr<Tokenizer>> LoadImpl(const std::string& path);
  std::vector<int32_t> EncodeImpl(const std::string& text, bool add_special_tokens,
                                  bool use_cache) const;
  std::unique_ptr<tokenizer_internal::TokenizerImpl> impl_;
};

// Writes a character-level tokenizer.json (an ordinary HF file: a BPE model
// with no merges whose vocab is the special tokens, then "<unk>" unless
// listed, then each distinct character of the alphabet in order; special
// tokens as added_tokens; no normalizer or pre-tokenizer; a Fuse decoder), so
// a tiny model dir is an ordinary HF dir. Characters outside the alphabet
// encode to <unk>. path: the file to write, or an existing directory (then
// DIR/tokenizer.json). Fails on invalid UTF-8, an empty alphabet, or a special
// token that is empty or repeated.
Status WriteCharTokenizer(const std::string& path, const std::string& alphabet_utf8,
                          const std::vector<std::string>& special_tokens);

}  // namespace rlzero
