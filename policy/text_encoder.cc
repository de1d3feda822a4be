// policy/text_encoder.cc: adapter over rlzero::Tokenizer, compiled in only
// when the tokenizer library's header is present in the tree.
#include "policy/text_encoder.h"

#if __has_include("policy/tokenizer/tokenizer.h")
#include "policy/tokenizer/tokenizer.h"
#define RLZ_HAVE_TOKENIZER 1
#else
#define RLZ_HAVE_TOKENIZER 0
#endif

namespace rlzero {

#if RLZ_HAVE_TOKENIZER
namespace {

class TokenizerTextEncoder : public TextEncoder {
 public:
  explicit TokenizerTextEncoder(std::unique_ptr<Tokenizer> t) : tok_(std::move(t)) {}
  std::vector<int64_t> Encode(const std::string& text) const override {
    auto ids = tok_->Encode(text, /*add_special_tokens=*/false);
    return std::vector<int64_t>(ids.begin(), ids.end());
  }
  std::optional<int64_t> bos_id() const override {
    auto v = tok_->bos_id();
    return v ? std::optional<int64_t>(*v) : std::nullopt;
  }
  std::optional<int64_t> eos_id() const override {
    auto v = tok_->eos_id();
    return v ? std::optional<int64_t>(*v) : std::nullopt;
  }

 private:
  std::unique_ptr<Tokenizer> tok_;
};

}  // namespace

StatusOr<std::unique_ptr<TextEncoder>> TextEncoder::Load(const std::string& path) {
  RLZ_ASSIGN_OR_RETURN(auto tok, Tokenizer::Load(path));
  return std::unique_ptr<TextEncoder>(new TokenizerTextEncoder(std::move(tok)));
}

#else

StatusOr<std::unique_ptr<TextEncoder>> TextEncoder::Load(const std::string& path) {
  return Unimplemented(path + ": text input needs the tokenizer library, which is not in this "
                       "build; pass token ids instead");
}

#endif

}  // namespace rlzero
