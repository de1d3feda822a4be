// policy/tokenizer/tokenizer.cc: loading tokenizer.json and the encode /
// decode pipeline (see tokenizer.h). The components live in their own files:
// normalizer, pre_tokenizer, bpe_model, added_vocabulary.
#include "policy/tokenizer/tokenizer.h"

#include <sys/stat.h>

#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "policy/tokenizer/added_vocabulary.h"
#include "policy/tokenizer/bpe_model.h"
#include "policy/tokenizer/byte_level.h"
#include "policy/tokenizer/normalizer.h"
#include "policy/tokenizer/pre_tokenizer.h"
#include "policy/tokenizer/utf8.h"

namespace rlzero {
namespace tokenizer_internal {

using nlohmann::json;

enum class DecoderKind { kJoinWithSpace, kFuse, kByteLevel };

struct TokenizerImpl {
  std::string file;
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre_tokenizer;
  std::unique_ptr<BpeModel> model;
  AddedVocabulary added;
  DecoderKind decoder = DecoderKind::kJoinWithSpace;
  std::vector<std::string> decoded;             // per id: its text after the decoder's mapping
  std::vector<uint8_t> is_known;                // per id: in vocab or added
  std::vector<uint8_t> is_special;              // per id: special added token
  std::vector<int32_t> prefix_ids, suffix_ids;  // add_special_tokens
  std::optional<int32_t> bos, eos, pad;
  int64_t vocab_size = 0;
};

namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

StatusOr<json> ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument(path + ": not valid JSON");
  return j;
}

Status ParseDecoder(const json& j, const std::string& where, DecoderKind* kind) {
  if (j.is_null()) {
    *kind = DecoderKind::kJoinWithSpace;
    return Status::Ok();
  }
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    return InvalidArgument(where + ": expected an object with a string \"type\"");
  std::string type = j["type"].get<std::string>();
  if (type == "ByteLevel") {
    *kind = DecoderKind::kByteLevel;
    return Status::Ok();
  }
  if (type == "Fuse") {
    *kind = DecoderKind::kFuse;
    return Status::Ok();
  }
  if (type == "Sequence" && j.contains("decoders") && j["decoders"].is_array()) {
    // Supported when made of ByteLevel and Fuse only; ByteLevel dominates
    // (its output is already one string).
    DecoderKind result = DecoderKind::kFuse;
    for (size_t i = 0; i < j["decoders"].size(); ++i) {
      DecoderKind k;
      RLZ_RETURN_IF_ERROR(
          ParseDecoder(j["decoders"][i], where + ".decoders[" + std::to_string(i) + "]", &k));
      if (k == DecoderKind::kByteLevel) result = k;
    }
    *kind = result;
    return Status::Ok();
  }
  return Unimplemented(where + ": decoder type \"" + type + "\" is not supported");
}

// The id of a token named in tokenizer_config.json ("<s>" or {"content": "<s>"}).
std::optional<int32_t> NamedTokenId(const Tokenizer& t, const json& v) {
  if (v.is_string()) return t.TokenToId(v.get<std::string>());
  if (v.is_object() && v.contains("content") && v["content"].is_string())
    return t.TokenToId(v["content"].get<std::string>());
  return std::nullopt;
}

std::optional<int32_t> IdField(const json& v) {
  if (v.is_number_integer()) return v.get<int32_t>();
  if (v.is_array() && !v.empty() && v[0].is_number_integer()) return v[0].get<int32_t>();
  return std::nullopt;
}

// TemplateProcessing / BertProcessing / RobertaProcessing / ByteLevel /
// Sequence: the ids added around a single sequence.
Status ParsePostProcessor(const json& j, const std::string& where, TokenizerImpl* impl) {
  if (j.is_null()) return Status::Ok();
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    return InvalidArgument(where + ": expected an object with a string \"type\"");
  std::string type = j["type"].get<std::string>();
  if (type == "ByteLevel") return Status::Ok();
  if (type == "Sequence") {
    if (!j.contains("processors") || !j["processors"].is_array())
      return InvalidArgument(where + ": Sequence needs a \"processors\" array");
    for (size_t i = 0; i < j["processors"].size(); ++i)
      RLZ_RETURN_IF_ERROR(ParsePostProcessor(
          j["processors"][i], where + ".processors[" + std::to_string(i) + "]", impl));
    return Status::Ok();
  }
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    auto id_of = [&](const char* key) -> std::optional<int32_t> {
      if (j.contains(key) && j[key].is_array() && j[key].size() == 2 &&
          j[key][1].is_number_integer())
        return j[key][1].get<int32_t>();
      return std::nullopt;
    };
    auto cls = id_of("cls"), sep = id_of("sep");
    if (!cls || !sep) return InvalidArgument(where + ": needs \"cls\" and \"sep\" [token, id]");
    impl->prefix_ids = {*cls};
    impl->suffix_ids = {*sep};
    return Status::Ok();
  }
  if (type == "TemplateProcessing") {
    if (!j.contains("single") || !j["single"].is_array())
      return InvalidArgument(where + ": TemplateProcessing needs a \"single\" array");
    const json specials = j.value("special_tokens", json::object());
    bool seen_sequence = false;
    impl->prefix_ids.clear();
    impl->suffix_ids.clear();
    for (size_t i = 0; i < j["single"].size(); ++i) {
      const json& item = j["single"][i];
      std::string at = where + ".single[" + std::to_string(i) + "]";
      if (item.contains("Sequence")) {
        seen_sequence = true;
      } else if (item.contains("SpecialToken") && item["SpecialToken"].contains("id") &&
                 item["SpecialToken"]["id"].is_string()) {
        std::string name = item["SpecialToken"]["id"].get<std::string>();
        if (!specials.contains(name) || !specials[name].contains("ids") ||
            !specials[name]["ids"].is_array())
          return InvalidArgument(at + ": special token \"" + name +
                                 "\" missing from special_tokens");
        for (const json& id : specials[name]["ids"]) {
          if (!id.is_number_integer()) return InvalidArgument(at + ": ids must be integers");
          (seen_sequence ? impl->suffix_ids : impl->prefix_ids).push_back(id.get<int32_t>());
        }
      } else {
        return InvalidArgument(at + ": expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
      }
    }
    return Status::Ok();
  }
  return Unimplemented(where + ": post_processor type \"" + type + "\" is not supported");
}

// Conventional names, used only when the model dir has neither
// tokenizer_config.json nor generation_config.json (e.g. a bare char-level
// tokenizer.json).
std::optional<int32_t> FirstKnown(const Tokenizer& t, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto id = t.TokenToId(n)) return id;
  return std::nullopt;
}

}  // namespace
}  // namespace tokenizer_internal

using tokenizer_internal::TokenizerImpl;

Tokenizer::Tokenizer(std::unique_ptr<TokenizerImpl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::Load(const std::string& path) {
  // The components check every field they read; this catch is the backstop
  // that keeps a JSON type error in a malformed file (or bad_alloc) from
  // crossing the library boundary as an exception.
  try {
    return LoadImpl(path);
  } catch (const std::exception& e) {
    return InvalidArgument(path + ": malformed tokenizer files: " + e.what());
  }
}

StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::LoadImpl(const std::string& path) {
  using namespace tokenizer_internal;
  std::string file = path, dir;
  if (IsDirectory(path)) {
    dir = path;
    file = path + "/tokenizer.json";
  } else {
    size_t slash = path.rfind('/');
    dir = slash == std::string::npos ? "." : path.substr(0, slash);
    if (dir.empty()) dir = "/";
  }
  RLZ_ASSIGN_OR_RETURN(json j, ReadJson(file));
  if (!j.is_object()) return InvalidArgument(file + ": expected a JSON object");
  auto impl = std::make_unique<TokenizerImpl>();
  impl->file = file;
  auto section = [&](const char* key) { return j.contains(key) ? j[key] : json(); };

  auto norm = Normalizer::FromJson(section("normalizer"), file + ": normalizer");
  if (!norm.ok()) return norm.status();
  impl->normalizer = std::move(norm).value();
  auto pre = PreTokenizer::FromJson(section("pre_tokenizer"), file + ": pre_tokenizer");
  if (!pre.ok()) return pre.status();
  impl->pre_tokenizer = std::move(pre).value();
  RLZ_RETURN_IF_ERROR(ParseDecoder(section("decoder"), file + ": decoder", &impl->decoder));
  bool byte_level = (impl->pre_tokenizer && impl->pre_tokenizer->byte_level()) ||
                    impl->decoder == DecoderKind::kByteLevel;
  if (!j.contains("model")) return InvalidArgument(file + ": missing \"model\"");
  auto model = BpeModel::FromJson(j["model"], byte_level, file + ": model");
  if (!model.ok()) return model.status();
  impl->model = std::move(model).value();
  auto added = AddedVocabulary::FromJson(section("added_tokens"), file + ": added_tokens");
  if (!added.ok()) return added.status();
  impl->added = std::move(added).value();
  RLZ_RETURN_IF_ERROR(
      ParsePostProcessor(section("post_processor"), file + ": post_processor", impl.get()));

  // Per-id decode table.
  int64_t max_id = impl->model->max_id();
  for (const auto& t : impl->added.tokens()) max_id = std::max<int64_t>(max_id, t.id);
  impl->vocab_size = max_id + 1;
  impl->decoded.assign(static_cast<size_t>(impl->vocab_size), std::string());
  impl->is_known.assign(static_cast<size_t>(impl->vocab_size), 0);
  impl->is_special.assign(static_cast<size_t>(impl->vocab_size), 0);
  auto decoded_form = [&](const std::string& token) {
    if (impl->decoder != DecoderKind::kByteLevel) return token;
    // tokenizers' ByteLevel decoder: a token with a character outside the
    // byte table is kept as its own UTF-8 bytes.
    auto bytes = ByteLevelToBytes(token);
    return bytes ? *bytes : token;
  };
  for (const auto& [tok, id] : impl->model->vocab()) {
    impl->decoded[id] = decoded_form(tok);
    impl->is_known[id] = 1;
  }
  for (const auto& t : impl->added.tokens()) {
    impl->decoded[t.id] = decoded_form(t.content);
    impl->is_known[t.id] = 1;
    impl->is_special[t.id] = t.special ? 1 : 0;
  }

  std::unique_ptr<Tokenizer> tok(new Tokenizer(std::move(impl)));
  TokenizerImpl& im = *tok->impl_;

  // bos / eos / pad, and BOS/EOS insertion from tokenizer_config.json.
  bool have_config = false;
  if (FileExists(dir + "/tokenizer_config.json")) {
    have_config = true;
    RLZ_ASSIGN_OR_RETURN(json cfg, ReadJson(dir + "/tokenizer_config.json"));
    if (cfg.is_object()) {
      if (cfg.contains("bos_token")) im.bos = NamedTokenId(*tok, cfg["bos_token"]);
      if (cfg.contains("eos_token")) im.eos = NamedTokenId(*tok, cfg["eos_token"]);
      if (cfg.contains("pad_token")) im.pad = NamedTokenId(*tok, cfg["pad_token"]);
      bool has_bos_flag = cfg.contains("add_bos_token") && cfg["add_bos_token"].is_boolean();
      bool has_eos_flag = cfg.contains("add_eos_token") && cfg["add_eos_token"].is_boolean();
      if (has_bos_flag || has_eos_flag) {
        im.prefix_ids.clear();
        im.suffix_ids.clear();
        if (has_bos_flag && cfg["add_bos_token"].get<bool>() && im.bos)
          im.prefix_ids.push_back(*im.bos);
        if (has_eos_flag && cfg["add_eos_token"].get<bool>() && im.eos)
          im.suffix_ids.push_back(*im.eos);
      }
    }
  }
  if (FileExists(dir + "/generation_config.json")) {
    have_config = true;
    RLZ_ASSIGN_OR_RETURN(json gen, ReadJson(dir + "/generation_config.json"));
    if (gen.is_object()) {
      if (!im.bos && gen.contains("bos_token_id")) im.bos = IdField(gen["bos_token_id"]);
      if (!im.eos && gen.contains("eos_token_id")) im.eos = IdField(gen["eos_token_id"]);
      if (!im.pad && gen.contains("pad_token_id")) im.pad = IdField(gen["pad_token_id"]);
    }
  }
  if (!have_config) {
    im.bos = FirstKnown(*tok, {"<|begin_of_text|>", "<s>", "<bos>", "<|bos|>"});
    im.eos = FirstKnown(
        *tok, {"<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>", "<|eos|>", "<|im_end|>"});
    im.pad = FirstKnown(*tok, {"<pad>", "<|pad|>", "<|endoftext|>"});
  }
  return tok;
}

std::vector<int32_t> Tokenizer::EncodeImpl(const std::string& input, bool add_special_tokens,
                                           bool use_cache) const {
  using namespace tokenizer_internal;
  const TokenizerImpl& im = *impl_;
  std::string repaired;
  std::string_view text = input;
  if (!IsValidUtf8(text)) {
    repaired = RepairUtf8(text);
    text = repaired;
  }
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  if (add_special_tokens) ids.insert(ids.end(), im.prefix_ids.begin(), im.prefix_ids.end());

  std::vector<Segment> raw_segments, norm_segments;
  std::vector<std::string_view> pieces;
  std::deque<std::string> arena;
  im.added.Split(text, /*normalized=*/false, &raw_segments);
  for (const Segment& seg : raw_segments) {
    if (seg.token_id >= 0) {
      ids.push_back(seg.token_id);
      continue;
    }
    std::string normalized;
    std::string_view plain = seg.text;
    if (im.normalizer) {
      normalized = im.normalizer->Normalize(plain);
      plain = normalized;
    }
    norm_segments.clear();
    if (im.added.has_normalized())
      im.added.Split(plain, /*normalized=*/true, &norm_segments);
    else
      norm_segments.push_back({plain, -1});
    for (const Segment& ns : norm_segments) {
      if (ns.token_id >= 0) {
        ids.push_back(ns.token_id);
        continue;
      }
      pieces.clear();
      arena.clear();
      if (im.pre_tokenizer) {
        Status st = im.pre_tokenizer->Split(ns.text, &pieces, &arena);
        if (!st.ok()) {
          // Only on a regex engine failure (resource limit) on a pathological
          // piece: fall back to encoding it unsplit rather than losing text.
          pieces.clear();
          pieces.push_back(ns.text);
        }
      } else if (!ns.text.empty()) {
        pieces.push_back(ns.text);
      }
      for (std::string_view p : pieces) im.model->EncodePiece(p, &ids, use_cache);
    }
  }
  if (add_special_tokens) ids.insert(ids.end(), im.suffix_ids.begin(), im.suffix_ids.end());
  return ids;
}

std::vector<int32_t> Tokenizer::Encode(const std::string& text, bool add_special_tokens) const {
  return EncodeImpl(text, add_special_tokens, /*use_cache=*/true);
}

std::vector<int32_t> Tokenizer::EncodeUncached(const std::string& text) const {
  return EncodeImpl(text, false, /*use_cache=*/false);
}

std::string Tokenizer::Decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  using namespace tokenizer_internal;
  const TokenizerImpl& im = *impl_;
  std::string out;
  bool first = true;
  for (int32_t id : ids) {
    if (id < 0 || id >= im.vocab_size || !im.is_known[id]) continue;
    if (skip_special_tokens && im.is_special[id]) continue;
    if (im.decoder == DecoderKind::kJoinWithSpace && !first) out.push_back(' ');
    out += im.decoded[id];
    first = false;
  }
  if (!IsValidUtf8(out)) return RepairUtf8(out);
  return out;
}

std::optional<int32_t> Tokenizer::TokenToId(const std::string& token) const {
  if (const auto* t = impl_->added.FindByContent(token)) return t->id;
  auto it = impl_->model->vocab().find(token);
  if (it != impl_->model->vocab().end()) return it->second;
  return std::nullopt;
}

int64_t Tokenizer::vocab_size() const { return impl_->vocab_size; }
std::optional<int32_t> Tokenizer::bos_id() const { return impl_->bos; }
std::optional<int32_t> Tokenizer::eos_id() const { return impl_->eos; }
std::optional<int32_t> Tokenizer::pad_id() const { return impl_->pad; }

}  // namespace rlzero
