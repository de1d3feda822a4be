// verifiers/judge_verdict.cc
#include "verifiers/judge_verdict.h"

#include <cctype>
#include <cstdlib>

#include "verifiers/answer_tags.h"

namespace rlzero::verifiers {
namespace {

constexpr size_t kMaxExtracted = 64;

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Strict decimal: -?\d{1,9}(\.\d{1,9})? over the whole of s.
bool ParseNumber(std::string_view s, double* out) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  size_t int_digits = i - int_start;
  if (int_digits == 0 || int_digits > 9) return false;
  if (i < s.size() && s[i] == '.') {
    size_t frac_start = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == frac_start || i - frac_start > 9) return false;
  }
  if (i != s.size()) return false;
  *out = std::strtod(std::string(s).c_str(), nullptr);
  return true;
}

// Position of the last case-insensitive occurrence of needle (lowercase).
size_t RFindNoCase(std::string_view text, std::string_view needle) {
  if (needle.size() > text.size()) return std::string_view::npos;
  for (size_t i = text.size() - needle.size() + 1; i-- > 0;) {
    size_t k = 0;
    while (k < needle.size() && Lower(text[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

std::string Clip(std::string_view s) { return std::string(s.substr(0, kMaxExtracted)); }

// The content of the last \boxed{...}, braces balanced; nullopt if none or
// unclosed.
bool LastBoxed(std::string_view text, std::string_view* content, std::string* reason) {
  size_t at = text.rfind("\\boxed{");
  if (at == std::string_view::npos) {
    *reason = "no \\boxed{...} in the judge's answer";
    return false;
  }
  size_t begin = at + 7, depth = 1, i = begin;
  for (; i < text.size() && depth > 0; ++i) {
    if (text[i] == '{')
      ++depth;
    else if (text[i] == '}')
      --depth;
  }
  if (depth != 0) {
    *reason = "unclosed \\boxed{ in the judge's answer";
    return false;
  }
  *content = text.substr(begin, i - 1 - begin);
  return true;
}

// "score" then [ *_]* ':' [ *_]* then the number up to the next space/end.
bool LastScore(std::string_view text, std::string_view* number, std::string* reason) {
  size_t at = RFindNoCase(text, "score");
  while (at != std::string_view::npos) {
    size_t i = at + 5;
    while (i < text.size() && (text[i] == ' ' || text[i] == '*' || text[i] == '_')) ++i;
    if (i < text.size() && text[i] == ':') {
      ++i;
      while (i < text.size() && (text[i] == ' ' || text[i] == '*' || text[i] == '_')) ++i;
      size_t end = i;
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
             text[end] != '*')
        ++end;
      std::string_view n = text.substr(i, end - i);
      while (!n.empty() && (n.back() == '.' || n.back() == ',')) n.remove_suffix(1);
      *number = n;
      return true;
    }
    // "score" without a colon (e.g. in prose): look further back.
    at = at == 0 ? std::string_view::npos : RFindNoCase(text.substr(0, at), "score");
  }
  *reason = "no 'Score: N' in the judge's answer";
  return false;
}

}  // namespace

StatusOr<VerdictFormat::Kind> VerdictFormat::KindFromName(const std::string& name) {
  if (name == "boxed") return kBoxed;
  if (name == "score") return kScore;
  if (name == "yes_no") return kYesNo;
  return InvalidArgument("verdict must be boxed, score or yes_no, not '" + name + "'");
}

Status VerdictFormat::Validate() const {
  if (!(score_max > score_min)) return InvalidArgument("score_max must be greater than score_min");
  return Status::Ok();
}

Verdict ParseVerdict(std::string_view text, const VerdictFormat& format) {
  Verdict v;
  if (format.kind == VerdictFormat::kYesNo) {
    auto tagged = FindLastTagged(text, "<verdict>", "</verdict>");
    if (!tagged) {
      v.reason = "no <verdict>...</verdict> in the judge's answer";
      return v;
    }
    std::string word(TrimAscii(tagged->substr(0, 4 * kMaxExtracted)));
    v.extracted = Clip(word);
    for (char& c : word) c = Lower(c);
    if (word == "yes" || word == "no") {
      v.parsed = true;
      v.score = word == "yes" ? 1.0 : 0.0;
    } else {
      v.reason = "verdict '" + v.extracted + "' is neither yes nor no";
    }
    return v;
  }
  std::string_view number;
  bool found = format.kind == VerdictFormat::kBoxed ? LastBoxed(text, &number, &v.reason)
                                                    : LastScore(text, &number, &v.reason);
  if (!found) return v;
  number = TrimAscii(number);
  v.extracted = Clip(number);
  double n = 0;
  if (!ParseNumber(number, &n)) {
    v.reason = "verdict '" + v.extracted + "' is not a number";
    return v;
  }
  if (n < format.score_min || n > format.score_max) {
    v.reason = "verdict " + v.extracted + " outside [" + std::to_string(format.score_min) + ", " +
               std::to_string(format.score_max) + "]";
    return v;
  }
  v.parsed = true;
  v.score = (n - format.score_min) / (format.score_max - format.score_min);
  return v;
}

}  // namespace rlzero::verifiers
