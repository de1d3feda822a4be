// policy/text_encoder.cc: adapter over rlzero::Tokenizer (policy/tokenizer).
#include "policy/text_encoder.h"

#include "policy/tokenizer/tokenizer.h"

namespace rlzero {

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

}  // namespace rlzero
