// policy/tokenizer/bpe_model.cc: see bpe_model.h.
#include "policy/tokenizer/bpe_model.h"

#include <algorithm>
#include <functional>

#include "policy/tokenizer/byte_level.h"
#include "policy/tokenizer/utf8.h"

namespace rlzero::tokenizer_internal {
namespace {

// Splits a merge line "a b" into its two parts (exactly one space).
bool SplitMergeString(const std::string& line, std::string* a, std::string* b) {
  size_t sp = line.find(' ');
  if (sp == std::string::npos || line.find(' ', sp + 1) != std::string::npos) return false;
  *a = line.substr(0, sp);
  *b = line.substr(sp + 1);
  return !a->empty() && !b->empty();
}

}  // namespace

StatusOr<std::unique_ptr<BpeModel>> BpeModel::FromJson(const nlohmann::json& j, bool byte_level,
                                                       const std::string& where) {
  if (!j.is_object()) return InvalidArgument(where + ": expected an object");
  std::string type = "BPE";
  if (j.contains("type")) {
    if (!j["type"].is_string()) return InvalidArgument(where + ".type: expected a string");
    type = j["type"].get<std::string>();
  }
  if (type != "BPE")
    return Unimplemented(where + ": model type \"" + type + "\" is not supported (only BPE)");
  auto non_empty_string = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() && !it->get<std::string>().empty();
  };
  if (non_empty_string("continuing_subword_prefix") || non_empty_string("end_of_word_suffix"))
    return Unimplemented(where + ": continuing_subword_prefix / end_of_word_suffix not supported");
  if (j.contains("byte_fallback") && j["byte_fallback"].is_boolean() &&
      j["byte_fallback"].get<bool>())
    return Unimplemented(where + ": byte_fallback is not supported");
  if (j.contains("dropout") && j["dropout"].is_number() && j["dropout"].get<double>() > 0)
    return Unimplemented(where + ": BPE dropout is not supported");

  auto m = std::make_unique<BpeModel>();
  m->byte_level_ = byte_level;
  if (j.contains("ignore_merges") && j["ignore_merges"].is_boolean())
    m->ignore_merges_ = j["ignore_merges"].get<bool>();
  if (j.contains("fuse_unk") && j["fuse_unk"].is_boolean())
    m->fuse_unk_ = j["fuse_unk"].get<bool>();

  auto vit = j.find("vocab");
  if (vit == j.end() || !vit->is_object())
    return InvalidArgument(where + ".vocab: expected an object of token -> id");
  m->vocab_.reserve(vit->size());
  for (auto it = vit->begin(); it != vit->end(); ++it) {
    if (!it.value().is_number_integer())
      return InvalidArgument(where + ".vocab[\"" + it.key() + "\"]: id must be an integer");
    int64_t id = it.value().get<int64_t>();
    if (id < 0 || id > kMaxTokenId)
      return InvalidArgument(where + ".vocab[\"" + it.key() + "\"]: id " + std::to_string(id) +
                             " out of range [0, " + std::to_string(kMaxTokenId) + "]");
    m->vocab_.emplace(it.key(), static_cast<int32_t>(id));
    if (id > m->max_id_) m->max_id_ = id;
  }
  m->id_to_token_.assign(static_cast<size_t>(m->max_id_ + 1), nullptr);
  for (const auto& [tok, id] : m->vocab_) m->id_to_token_[id] = &tok;

  for (int32_t& b : m->byte_ids_) b = -1;
  if (byte_level) {
    m->raw_vocab_.reserve(m->vocab_.size());
    for (const auto& [tok, id] : m->vocab_) {
      auto raw = ByteLevelToBytes(tok);
      if (!raw) continue;  // not producible from bytes
      if (raw->size() == 1) m->byte_ids_[static_cast<unsigned char>((*raw)[0])] = id;
      m->raw_vocab_.emplace(std::move(*raw), id);
    }
  }

  if (j.contains("unk_token") && j["unk_token"].is_string()) {
    const std::string unk = j["unk_token"].get<std::string>();
    auto it = m->vocab_.find(unk);
    if (it == m->vocab_.end())
      return InvalidArgument(where + ".unk_token: \"" + unk + "\" is not in the vocab");
    m->unk_id_ = it->second;
  }

  auto mit = j.find("merges");
  if (mit != j.end() && !mit->is_null()) {
    if (!mit->is_array()) return InvalidArgument(where + ".merges: expected an array");
    m->merges_.Reserve(mit->size());
    std::string a, b;
    for (size_t rank = 0; rank < mit->size(); ++rank) {
      const auto& e = (*mit)[rank];
      std::string at = where + ".merges[" + std::to_string(rank) + "]";
      if (e.is_string()) {
        if (!SplitMergeString(e.get<std::string>(), &a, &b))
          return InvalidArgument(at + ": expected \"a b\", got \"" + e.get<std::string>() + "\"");
      } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
        a = e[0].get<std::string>();
        b = e[1].get<std::string>();
      } else {
        return InvalidArgument(at + ": expected \"a b\" or [\"a\", \"b\"]");
      }
      auto ia = m->vocab_.find(a), ib = m->vocab_.find(b), ic = m->vocab_.find(a + b);
      if (ia == m->vocab_.end() || ib == m->vocab_.end() || ic == m->vocab_.end())
        return InvalidArgument(at + ": merge \"" + a + "\" + \"" + b +
                               "\" uses a token missing from the vocab");
      // The first (lowest) rank of a pair wins if a file repeats it.
      m->merges_.Insert(ia->second, ib->second, {static_cast<int32_t>(rank), ic->second});
    }
  }
  return m;
}

const std::string* BpeModel::IdToToken(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size()) return nullptr;
  return id_to_token_[id];
}

void BpeModel::InitialSymbols(std::string_view piece, std::vector<int32_t>* syms) const {
  if (byte_level_) {
    for (unsigned char c : piece) {
      int32_t id = byte_ids_[c];
      if (id >= 0) {
        syms->push_back(id);
      } else if (unk_id_) {
        if (!(fuse_unk_ && !syms->empty() && syms->back() == *unk_id_)) syms->push_back(*unk_id_);
      }
    }
    return;
  }
  std::string ch;
  for (size_t i = 0; i < piece.size();) {
    size_t n = ValidSequenceLength(piece, i);
    if (n == 0) n = 1;
    ch.assign(piece.data() + i, n);
    i += n;
    auto it = vocab_.find(ch);
    if (it != vocab_.end()) {
      syms->push_back(it->second);
    } else if (unk_id_) {
      if (!(fuse_unk_ && !syms->empty() && syms->back() == *unk_id_)) syms->push_back(*unk_id_);
    }
  }
}

void BpeModel::Merge(std::string_view piece, std::vector<int32_t>* ids) const {
  if (ignore_merges_) {
    const auto& v = byte_level_ ? raw_vocab_ : vocab_;
    auto it = v.find(std::string(piece));
    if (it != v.end()) {
      ids->push_back(it->second);
      return;
    }
  }
  // Doubly linked symbols; scratch reused per thread so no per-piece
  // allocation once warm.
  struct Sym {
    int32_t id;
    int32_t prev, next;  // -1 at the ends
  };
  struct Cand {
    int32_t rank, pos, left, right;
    bool operator>(const Cand& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  thread_local std::vector<int32_t> init;
  thread_local std::vector<Sym> syms;
  thread_local std::vector<Cand> heap_storage;
  init.clear();
  InitialSymbols(piece, &init);
  if (init.size() <= 1 || merges_.size() == 0) {
    ids->insert(ids->end(), init.begin(), init.end());
    return;
  }
  const int32_t n = static_cast<int32_t>(init.size());
  syms.resize(n);
  for (int32_t i = 0; i < n; ++i) syms[i] = {init[i], i - 1, i + 1 < n ? i + 1 : -1};
  std::vector<Cand>& heap = heap_storage;
  heap.clear();
  const auto later = std::greater<Cand>();  // min-heap on (rank, pos)
  auto push = [&](int32_t pos) {
    int32_t nx = syms[pos].next;
    if (nx < 0) return;
    const PairTable::Value* m = merges_.Find(syms[pos].id, syms[nx].id);
    if (m == nullptr) return;
    heap.push_back({m->rank, pos, syms[pos].id, syms[nx].id});
    std::push_heap(heap.begin(), heap.end(), later);
  };
  for (int32_t i = 0; i + 1 < n; ++i) push(i);
  thread_local std::vector<uint8_t> dead;
  dead.assign(n, 0);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cand c = heap.back();
    heap.pop_back();
    if (dead[c.pos] || syms[c.pos].id != c.left) continue;
    int32_t nx = syms[c.pos].next;
    if (nx < 0 || syms[nx].id != c.right) continue;
    // Merge pos and nx into pos.
    syms[c.pos].id = merges_.Find(c.left, c.right)->id;
    dead[nx] = 1;
    syms[c.pos].next = syms[nx].next;
    if (syms[nx].next >= 0) syms[syms[nx].next].prev = c.pos;
    if (syms[c.pos].prev >= 0) push(syms[c.pos].prev);
    push(c.pos);
  }
  for (int32_t i = 0; i >= 0; i = syms[i].next) ids->push_back(syms[i].id);
}

void BpeModel::EncodePiece(std::string_view piece, std::vector<int32_t>* ids,
                           bool use_cache) const {
  if (!use_cache || piece.size() > kMaxCachedPieceBytes) {
    Merge(piece, ids);
    return;
  }
  if (cache_.Lookup(piece, ids)) return;
  size_t start = ids->size();
  Merge(piece, ids);
  cache_.Insert(piece, ids->data() + start, ids->size() - start);
}

}  // namespace rlzero::tokenizer_internal
