// policy/tokenizer/added_vocabulary.cc: see added_vocabulary.h.
#include "policy/tokenizer/added_vocabulary.h"

#include <utf8proc.h>

#include <algorithm>

#include "policy/tokenizer/bpe_model.h"
#include "policy/tokenizer/utf8.h"

namespace rlzero::tokenizer_internal {
namespace {

bool IsWhitespace(uint32_t cp) {
  // Unicode White_Space (what Rust's char::is_whitespace tests).
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

bool IsWordChar(uint32_t cp) {
  if (cp == '_') return true;
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

// Code point ending right before byte offset i (text valid UTF-8, i > 0).
uint32_t CodePointBefore(std::string_view text, size_t i, size_t* len) {
  size_t b = i - 1;
  while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
  size_t n = ValidSequenceLength(text, b);
  *len = i - b;
  return n == 0 ? 0xFFFD : DecodeAt(text, b, n);
}

uint32_t CodePointAt(std::string_view text, size_t i, size_t* len) {
  size_t n = ValidSequenceLength(text, i);
  *len = n == 0 ? 1 : n;
  return n == 0 ? 0xFFFD : DecodeAt(text, i, n);
}

bool Flag(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

void AddedVocabulary::Trie::Insert(const std::string& s, int32_t token) {
  int32_t node = 0;
  for (unsigned char b : s) {
    int32_t c = Child(node, b);
    if (c < 0) {
      c = static_cast<int32_t>(nodes.size());
      nodes.emplace_back();
      auto& ch = nodes[node].children;
      ch.insert(std::lower_bound(ch.begin(), ch.end(), std::make_pair(b, int32_t{-1})), {b, c});
      if (node == 0) root[b] = c;
    }
    node = c;
  }
  if (nodes[node].token < 0) nodes[node].token = token;
}

int32_t AddedVocabulary::Trie::Child(int32_t node, uint8_t b) const {
  if (node == 0) return root[b];
  const auto& ch = nodes[node].children;
  auto it = std::lower_bound(ch.begin(), ch.end(), std::make_pair(b, int32_t{-1}));
  return (it != ch.end() && it->first == b) ? it->second : -1;
}

StatusOr<AddedVocabulary> AddedVocabulary::FromJson(const nlohmann::json& j,
                                                    const std::string& where) {
  AddedVocabulary v;
  if (j.is_null()) return v;
  if (!j.is_array()) return InvalidArgument(where + ": expected an array");
  for (size_t i = 0; i < j.size(); ++i) {
    const auto& e = j[i];
    std::string at = where + "[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("id") || !e["id"].is_number_integer() ||
        !e.contains("content") || !e["content"].is_string())
      return InvalidArgument(at + ": expected {\"id\": int, \"content\": string, ...}");
    AddedToken t;
    int64_t id = e["id"].get<int64_t>();
    if (id < 0 || id > kMaxTokenId)
      return InvalidArgument(at + ": id " + std::to_string(id) + " out of range [0, " +
                             std::to_string(kMaxTokenId) + "]");
    t.id = static_cast<int32_t>(id);
    t.content = e["content"].get<std::string>();
    if (t.content.empty()) return InvalidArgument(at + ": empty content");
    t.single_word = Flag(e, "single_word");
    t.lstrip = Flag(e, "lstrip");
    t.rstrip = Flag(e, "rstrip");
    t.normalized = Flag(e, "normalized");
    t.special = Flag(e, "special");
    int32_t index = static_cast<int32_t>(v.tokens_.size());
    v.by_id_[t.id] = index;
    v.by_content_.emplace(t.content, index);
    (t.normalized ? v.normalized_trie_ : v.raw_trie_).Insert(t.content, index);
    v.has_normalized_ |= t.normalized;
    v.tokens_.push_back(std::move(t));
  }
  return v;
}

const AddedToken* AddedVocabulary::FindById(int32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

const AddedToken* AddedVocabulary::FindByContent(const std::string& content) const {
  auto it = by_content_.find(content);
  return it == by_content_.end() ? nullptr : &tokens_[it->second];
}

int32_t AddedVocabulary::LongestAt(const Trie& trie, std::string_view text, size_t i,
                                   size_t* len) const {
  int32_t node = 0, best = -1;
  for (size_t k = i; k < text.size(); ++k) {
    node = trie.Child(node, static_cast<uint8_t>(text[k]));
    if (node < 0) break;
    if (trie.nodes[node].token >= 0) {
      best = trie.nodes[node].token;
      *len = k + 1 - i;
    }
  }
  return best;
}

void AddedVocabulary::Split(std::string_view text, bool normalized,
                            std::vector<Segment>* out) const {
  const Trie& trie = normalized ? normalized_trie_ : raw_trie_;
  if (trie.nodes.size() == 1) {
    if (!text.empty()) out->push_back({text, -1});
    return;
  }
  size_t plain_start = 0;  // start of the pending plain segment
  size_t i = 0;
  while (i < text.size()) {
    // Cheap first-byte filter before walking the trie.
    if (trie.Child(0, static_cast<uint8_t>(text[i])) < 0) {
      ++i;
      continue;
    }
    size_t len = 0;
    int32_t t = LongestAt(trie, text, i, &len);
    if (t < 0) {
      ++i;
      continue;
    }
    const AddedToken& tok = tokens_[t];
    size_t b = i, e = i + len, n = 0;
    if (tok.single_word) {
      bool before_ok = b == 0 || !IsWordChar(CodePointBefore(text, b, &n));
      bool after_ok = e == text.size() || !IsWordChar(CodePointAt(text, e, &n));
      if (!before_ok || !after_ok) {
        ++i;
        continue;
      }
    }
    if (tok.lstrip)
      while (b > plain_start && IsWhitespace(CodePointBefore(text, b, &n))) b -= n;
    if (tok.rstrip)
      while (e < text.size() && IsWhitespace(CodePointAt(text, e, &n))) e += n;
    if (b > plain_start) out->push_back({text.substr(plain_start, b - plain_start), -1});
    out->push_back({text.substr(b, e - b), tok.id});
    plain_start = i = e;
  }
  if (plain_start < text.size()) out->push_back({text.substr(plain_start), -1});
}

}  // namespace rlzero::tokenizer_internal
