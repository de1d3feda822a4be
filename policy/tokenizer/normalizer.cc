// policy/tokenizer/normalizer.cc: see normalizer.h.
#include "policy/tokenizer/normalizer.h"

#include <utf8proc.h>

#include <cstdlib>

#include "policy/tokenizer/utf8.h"

namespace rlzero::tokenizer_internal {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

Status AddSteps(const nlohmann::json& j, const std::string& where,
                std::vector<Normalizer::Kind>* steps) {
  if (j.is_null()) return Status::Ok();
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    return InvalidArgument(where + ": expected an object with a string \"type\"");
  const std::string type = j["type"].get<std::string>();
  if (type == "Sequence") {
    const auto it = j.find("normalizers");
    if (it == j.end() || !it->is_array())
      return InvalidArgument(where + ": Sequence needs a \"normalizers\" array");
    for (size_t i = 0; i < it->size(); ++i)
      RLZ_RETURN_IF_ERROR(
          AddSteps((*it)[i], where + ".normalizers[" + std::to_string(i) + "]", steps));
    return Status::Ok();
  }
  if (type == "NFC")
    steps->push_back(Normalizer::Kind::kNfc);
  else if (type == "NFD")
    steps->push_back(Normalizer::Kind::kNfd);
  else if (type == "NFKC")
    steps->push_back(Normalizer::Kind::kNfkc);
  else if (type == "NFKD")
    steps->push_back(Normalizer::Kind::kNfkd);
  else if (type == "Lowercase")
    steps->push_back(Normalizer::Kind::kLowercase);
  else
    return Unimplemented(where + ": normalizer type \"" + type + "\" is not supported");
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<Normalizer>> Normalizer::FromJson(const nlohmann::json& j,
                                                           const std::string& where) {
  std::vector<Kind> steps;
  RLZ_RETURN_IF_ERROR(AddSteps(j, where, &steps));
  if (steps.empty()) return std::unique_ptr<Normalizer>();
  auto n = std::make_unique<Normalizer>();
  n->steps_ = std::move(steps);
  return n;
}

std::string ApplyNormalization(Normalizer::Kind kind, std::string_view text) {
  if (kind == Normalizer::Kind::kLowercase) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
      size_t n = ValidSequenceLength(text, i);
      if (n == 0) {  // input is valid by contract; keep the byte if not
        out.push_back(text[i++]);
        continue;
      }
      AppendCodePoint(static_cast<uint32_t>(
                          utf8proc_tolower(static_cast<utf8proc_int32_t>(DecodeAt(text, i, n)))),
                      &out);
      i += n;
    }
    return out;
  }
  // Every normalization form maps ASCII to itself.
  if (IsAscii(text)) return std::string(text);
  int options = UTF8PROC_STABLE;
  switch (kind) {
    case Normalizer::Kind::kNfc:
      options |= UTF8PROC_COMPOSE;
      break;
    case Normalizer::Kind::kNfd:
      options |= UTF8PROC_DECOMPOSE;
      break;
    case Normalizer::Kind::kNfkc:
      options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
      break;
    case Normalizer::Kind::kNfkd:
      options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
      break;
    default:
      break;
  }
  utf8proc_uint8_t* dst = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                    static_cast<utf8proc_ssize_t>(text.size()), &dst,
                                    static_cast<utf8proc_option_t>(options));
  if (n < 0) {  // only on invalid UTF-8, which the contract excludes
    std::free(dst);
    return std::string(text);
  }
  std::string out(reinterpret_cast<char*>(dst), static_cast<size_t>(n));
  std::free(dst);
  return out;
}

std::string Normalizer::Normalize(std::string_view text) const {
  std::string cur(text);
  for (Kind k : steps_) cur = ApplyNormalization(k, cur);
  return cur;
}

}  // namespace rlzero::tokenizer_internal
