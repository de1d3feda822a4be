// policy/tokenizer/pre_tokenizer.cc: see pre_tokenizer.h.
#include "policy/tokenizer/pre_tokenizer.h"

namespace rlzero::tokenizer_internal {
namespace {

// GPT-2's pattern, used by ByteLevel when use_regex is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

StatusOr<PreTokenizer::Behavior> ParseBehavior(const nlohmann::json& j, const std::string& where) {
  if (!j.is_string()) return InvalidArgument(where + ": \"behavior\" must be a string");
  const std::string b = j.get<std::string>();
  if (b == "Removed") return PreTokenizer::Behavior::kRemoved;
  if (b == "Isolated") return PreTokenizer::Behavior::kIsolated;
  if (b == "MergedWithPrevious") return PreTokenizer::Behavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return PreTokenizer::Behavior::kMergedWithNext;
  if (b == "Contiguous") return PreTokenizer::Behavior::kContiguous;
  return InvalidArgument(where + ": unknown split behavior \"" + b + "\"");
}

bool BoolOr(const nlohmann::json& j, const char* key, bool def) {
  auto it = j.find(key);
  return (it != j.end() && it->is_boolean()) ? it->get<bool>() : def;
}

}  // namespace

StatusOr<std::unique_ptr<PreTokenizer>> PreTokenizer::FromJson(const nlohmann::json& j,
                                                               const std::string& where) {
  if (j.is_null()) return std::unique_ptr<PreTokenizer>();
  auto p = std::make_unique<PreTokenizer>();
  RLZ_RETURN_IF_ERROR(p->AddSteps(j, where));
  return p;
}

Status PreTokenizer::AddRegex(const std::string& pattern, bool literal, Behavior behavior,
                              bool invert, const std::string& where) {
  auto re = Regex::Compile(pattern, literal);
  if (!re.ok()) return re.status().WithContext(where);
  Step s;
  s.regex = std::shared_ptr<const Regex>(std::move(re).value());
  s.behavior = behavior;
  s.invert = invert;
  steps_.push_back(std::move(s));
  return Status::Ok();
}

Status PreTokenizer::AddSteps(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    return InvalidArgument(where + ": expected an object with a string \"type\"");
  const std::string type = j["type"].get<std::string>();
  if (type == "Sequence") {
    auto it = j.find("pretokenizers");
    if (it == j.end() || !it->is_array())
      return InvalidArgument(where + ": Sequence needs a \"pretokenizers\" array");
    for (size_t i = 0; i < it->size(); ++i)
      RLZ_RETURN_IF_ERROR(AddSteps((*it)[i], where + ".pretokenizers[" + std::to_string(i) + "]"));
    return Status::Ok();
  }
  if (type == "ByteLevel") {
    byte_level_ = true;
    if (BoolOr(j, "add_prefix_space", false)) {
      Step s;
      s.prefix_space = true;
      steps_.push_back(s);
    }
    if (BoolOr(j, "use_regex", true))
      return AddRegex(kGpt2Pattern, false, Behavior::kIsolated, false, where);
    return Status::Ok();
  }
  if (type == "Digits") {
    return AddRegex(BoolOr(j, "individual_digits", false) ? R"(\p{N})" : R"(\p{N}+)", false,
                    Behavior::kIsolated, false, where);
  }
  if (type == "Split") {
    auto pat = j.find("pattern");
    if (pat == j.end() || !pat->is_object())
      return InvalidArgument(where + ": Split needs a \"pattern\" object");
    bool literal;
    std::string pattern;
    if (pat->contains("Regex") && (*pat)["Regex"].is_string()) {
      literal = false;
      pattern = (*pat)["Regex"].get<std::string>();
    } else if (pat->contains("String") && (*pat)["String"].is_string()) {
      literal = true;
      pattern = (*pat)["String"].get<std::string>();
    } else {
      return InvalidArgument(where + ": Split pattern needs \"Regex\" or \"String\"");
    }
    Behavior behavior = Behavior::kIsolated;
    if (j.contains("behavior")) {
      RLZ_ASSIGN_OR_RETURN(behavior, ParseBehavior(j["behavior"], where));
    }
    return AddRegex(pattern, literal, behavior, BoolOr(j, "invert", false), where);
  }
  return Unimplemented(where + ": pre_tokenizer type \"" + type + "\" is not supported");
}

Status PreTokenizer::Split(std::string_view text, std::vector<std::string_view>* pieces,
                           std::deque<std::string>* arena) const {
  std::vector<std::string_view> cur;
  if (!text.empty()) cur.push_back(text);
  std::vector<std::string_view> next;
  // (begin, end, is_match) spans of one piece, reused across pieces.
  struct Span {
    size_t b, e;
    bool match;
  };
  std::vector<Span> spans;
  for (const Step& step : steps_) {
    next.clear();
    if (step.prefix_space) {
      for (std::string_view p : cur) {
        if (p[0] == ' ') {
          next.push_back(p);
        } else {
          arena->push_back(" " + std::string(p));
          next.push_back(arena->back());
        }
      }
      cur.swap(next);
      continue;
    }
    for (std::string_view p : cur) {
      spans.clear();
      size_t last = 0;
      bool ok = step.regex->FindAll(p, [&](size_t b, size_t e) {
        if (b > last) spans.push_back({last, b, false});
        spans.push_back({b, e, true});
        last = e;
      });
      if (!ok)
        return ResourceExhausted("pre-tokenizer regex failed on a piece of " +
                                 std::to_string(p.size()) + " bytes");
      if (last < p.size()) spans.push_back({last, p.size(), false});
      if (step.invert)
        for (Span& s : spans) s.match = !s.match;
      auto emit = [&](size_t b, size_t e) {
        if (e > b) next.push_back(p.substr(b, e - b));
      };
      switch (step.behavior) {
        case Behavior::kIsolated:
          for (const Span& s : spans) emit(s.b, s.e);
          break;
        case Behavior::kRemoved:
          for (const Span& s : spans)
            if (!s.match) emit(s.b, s.e);
          break;
        case Behavior::kMergedWithPrevious: {
          // A match joins the piece before it.
          size_t start = 0;
          bool open = false;
          for (const Span& s : spans) {
            if (s.match) {
              emit(open ? start : s.b, s.e);
              open = false;
            } else {
              if (open) emit(start, s.b);
              start = s.b;
              open = true;
            }
          }
          if (open) emit(start, p.size());
          break;
        }
        case Behavior::kMergedWithNext: {
          // A match joins the piece after it.
          size_t start = 0;
          bool open = false;
          for (const Span& s : spans) {
            if (s.match) {
              if (open && !spans.empty()) {
                // consecutive matches: the previous one stands alone
                emit(start, s.b);
              }
              start = s.b;
              open = true;
            } else {
              emit(open ? start : s.b, s.e);
              open = false;
            }
          }
          if (open) emit(start, p.size());
          break;
        }
        case Behavior::kContiguous: {
          // Adjacent matches merge into one piece.
          size_t i = 0;
          while (i < spans.size()) {
            size_t j = i;
            if (spans[i].match)
              while (j + 1 < spans.size() && spans[j + 1].match) ++j;
            emit(spans[i].b, spans[j].e);
            i = j + 1;
          }
          break;
        }
      }
    }
    cur.swap(next);
  }
  pieces->insert(pieces->end(), cur.begin(), cur.end());
  return Status::Ok();
}

}  // namespace rlzero::tokenizer_internal
