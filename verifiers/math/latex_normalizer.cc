// verifiers/math/latex_normalizer.cc: see latex_normalizer.h.
#include "verifiers/math/latex_normalizer.h"

#include <cctype>
#include <cstring>

#include "verifiers/math/ascii.h"

namespace rlzero::verifiers::math {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty() || s.find(from) == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, from.size(), from) == 0) {
      out += to;
      i += from.size();
    } else {
      out += s[i++];
    }
  }
  s.swap(out);
}

// Replaces the command `from` (not a prefix of a longer command name).
void ReplaceCommand(std::string& s, std::string_view from, std::string_view to) {
  size_t i = s.find(from);
  if (i == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  size_t last = 0;
  while (i != std::string::npos) {
    size_t end = i + from.size();
    bool whole = end >= s.size() || !IsAlpha(s[end]);
    out.append(s, last, i - last);
    if (whole) {
      out += to;
      // "\quad5" -> " 5": keep a separator when a command is removed.
      if (to.empty() && end < s.size() && IsAlpha(s[end])) out += ' ';
    } else {
      out.append(s, i, from.size());
    }
    last = end;
    i = s.find(from, end);
  }
  out.append(s, last, std::string::npos);
  s.swap(out);
}

// Drops \, \! \; \: \> and turns "\ " into a space, leaving the row
// separator "\\" alone. ",\!" is LaTeX's thousands separator: spaces after it
// are dropped too ("11,\! 111" -> "11,111").
void RemoveSpacingCommands(std::string& s) {
  if (s.find('\\') == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char n = s[i + 1];
    if (n == '\\') {
      out += "\\\\";
      ++i;
    } else if (n == ',' || n == '!' || n == ';' || n == ':' || n == '>') {
      ++i;
      if (n == '!' && !out.empty() && out.back() == ',')
        while (i + 1 < s.size() && IsSpace(s[i + 1])) ++i;
    } else if (n == ' ') {
      out += ' ';
      ++i;
    } else {
      out += s[i];
    }
  }
  s.swap(out);
}

// \text{abc} -> " abc" for each wrapper command (content kept).
void UnwrapTextCommands(std::string& s) {
  static constexpr const char* kWrappers[] = {"\\text", "\\textbf", "\\textit",     "\\textrm",
                                              "\\mbox", "\\mathrm", "\\textnormal", "\\textup"};
  for (int guard = 0; guard < 64; ++guard) {
    bool changed = false;
    for (const char* w : kWrappers) {
      size_t len = std::strlen(w);
      size_t i = s.find(w);
      while (i != std::string::npos) {
        size_t j = i + len;
        if (j < s.size() && IsAlpha(s[j])) {
          i = s.find(w, j);
          continue;
        }
        while (j < s.size() && IsSpace(s[j])) ++j;
        if (j >= s.size() || s[j] != '{') {
          i = s.find(w, j);
          continue;
        }
        int depth = 0;
        size_t k = j;
        for (; k < s.size(); ++k) {
          if (s[k] == '\\' && k + 1 < s.size()) {
            ++k;
            continue;
          }
          if (s[k] == '{') ++depth;
          if (s[k] == '}' && --depth == 0) break;
        }
        if (k >= s.size()) return;  // unbalanced: leave for the parser to reject
        std::string inner = s.substr(j + 1, k - j - 1);
        s.replace(i, k - i + 1, " " + inner);
        changed = true;
        break;
      }
      if (changed) break;
    }
    if (!changed) return;
  }
}

void Trim(std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  s = s.substr(b, e - b);
}

// " and " / " or " between answers (often from \text{ or }) -> ", ": the
// answer becomes a list, so "2 or 3" never matches a gold "2".
void ReplaceSeparatorWords(std::string& s) {
  for (const char* w : {" and ", " or ", " AND ", " OR ", " And ", " Or "}) {
    size_t len = std::strlen(w);
    for (size_t i = s.find(w); i != std::string::npos; i = s.find(w, i)) {
      // Stretch over surrounding spaces.
      size_t b = i, e = i + len;
      while (b > 0 && IsSpace(s[b - 1])) --b;
      while (e < s.size() && IsSpace(s[e])) ++e;
      if (b == 0 || e >= s.size()) {
        i += len;
        continue;
      }
      s.replace(b, e - b, ", ");
      i = b + 2;
    }
  }
}

// Unit words dropped after a value ("10 inches", "5.4 cents", "15 cm^2").
constexpr const char* kUnitWords[] = {
    "unit",   "units",   "sq",     "square",   "cubic",   "cm",         "mm",          "km",
    "m",      "meter",   "meters", "metre",    "metres",  "centimeter", "centimeters", "inch",
    "inches", "in",      "ft",     "foot",     "feet",    "yard",       "yards",       "yd",
    "mile",   "miles",   "mph",    "degree",   "degrees", "deg",        "dollar",      "dollars",
    "cent",   "cents",   "hour",   "hours",    "hr",      "hrs",        "minute",      "minutes",
    "min",    "mins",    "second", "seconds",  "sec",     "s",          "day",         "days",
    "week",   "weeks",   "month",  "months",   "year",    "years",      "pound",       "pounds",
    "lb",     "lbs",     "ounce",  "ounces",   "oz",      "gram",       "grams",       "g",
    "kg",     "liter",   "liters", "l",        "ml",      "gallon",     "gallons",     "cup",
    "cups",   "percent", "people", "students", "ways",    "points",     "calories",    "mph",
    "kmh",    "kmph"};

bool IsUnitWord(std::string_view w) {
  for (const char* u : kUnitWords)
    if (w == u) return true;
  return false;
}

// Drops trailing unit words that follow whitespace, with an optional ^2 / ^3
// after them; stops at anything else. Keeps at least one non-unit token.
void StripTrailingUnits(std::string& s) {
  for (int guard = 0; guard < 8; ++guard) {
    size_t e = s.size();
    while (e > 0 && IsSpace(s[e - 1])) --e;
    size_t word_end = e;
    // Optional power: ^2, ^3, ^{2}, ^{3}.
    for (const char* p : {"^{2}", "^{3}", "^2", "^3"}) {
      size_t len = std::strlen(p);
      if (word_end >= len && s.compare(word_end - len, len, p) == 0) {
        word_end -= len;
        while (word_end > 0 && IsSpace(s[word_end - 1])) --word_end;
        break;
      }
    }
    size_t b = word_end;
    while (b > 0 && IsAlpha(s[b - 1])) --b;
    if (b == word_end || b == 0 || !IsSpace(s[b - 1])) return;
    std::string word = s.substr(b, word_end - b);
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!IsUnitWord(word)) return;
    size_t rest = b;
    while (rest > 0 && IsSpace(s[rest - 1])) --rest;
    if (rest == 0) return;
    // Only after a value: a digit, a closing brace/paren, or another unit.
    char prev = s[rest - 1];
    if (!IsDigit(prev) && prev != '}' && prev != ')' && !IsAlpha(prev)) return;
    if (IsAlpha(prev)) {
      // "x in" / "5 square inches": only strip if the previous word is a unit or
      // a number follows before it.
      size_t pb = rest;
      while (pb > 0 && IsAlpha(s[pb - 1])) --pb;
      std::string pw = s.substr(pb, rest - pb);
      for (char& c : pw) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!IsUnitWord(pw) || pb == 0 || s[pb - 1] == '\\') return;
    }
    s.resize(rest);
  }
}

// "12,345,678.5" / "12 345" as one whole number -> digits only.
void JoinThousands(std::string& s) {
  for (char sep : {',', ' '}) {
    size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    size_t digits = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
    if (digits == 0 || digits > 3 || i >= s.size() || s[i] != sep) continue;
    bool ok = true;
    int groups = 0;
    while (i < s.size() && s[i] == sep) {
      ++i;
      size_t g = 0;
      while (i < s.size() && IsDigit(s[i])) ++i, ++g;
      if (g != 3) {
        ok = false;
        break;
      }
      ++groups;
    }
    if (!ok || groups == 0) continue;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t f = 0;
      while (i < s.size() && IsDigit(s[i])) ++i, ++f;
      if (f == 0) ok = false;
    }
    if (!ok || i != s.size()) continue;
    std::string out;
    for (char c : s)
      if (c != sep) out += c;
    s.swap(out);
    return;
  }
}

}  // namespace

std::string NormalizeLatex(std::string_view answer, bool* had_percent) {
  std::string s(answer);
  // Unicode spellings.
  static constexpr const char* kUnicode[][2] = {
      {"\u2212", "-"},       {"\u2013", "-"},        {"\u00d7", "\\times "}, {"\u00f7", "\\div "},
      {"\u00b7", "\\cdot "}, {"\u221e", "\\infty "}, {"\u03c0", "\\pi "},    {"\u221a", "\\sqrt"},
      {"\u2264", "\\le "},   {"\u2265", "\\ge "},    {"\u2260", "\\ne "},    {"\u222a", "\\cup "},
      {"\u00b0", ""},        {"\u00a0", " "}};
  for (const auto& u : kUnicode) ReplaceAll(s, u[0], u[1]);
  // Delimiters and money.
  ReplaceAll(s, "\\$", "");
  ReplaceAll(s, "$", "");
  Trim(s);
  if (s.size() >= 4 && (s.compare(0, 2, "\\(") == 0 || s.compare(0, 2, "\\[") == 0) &&
      (s.compare(s.size() - 2, 2, "\\)") == 0 || s.compare(s.size() - 2, 2, "\\]") == 0))
    s = s.substr(2, s.size() - 4);
  UnwrapTextCommands(s);
  // Sizing and spacing.
  ReplaceAll(s, "\\left.", "");
  ReplaceAll(s, "\\right.", "");
  for (const char* c :
       {"\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\big",
        "\\Big", "\\bigg", "\\Bigg", "\\displaystyle", "\\qquad", "\\quad", "\\degree", "\\limits"})
    ReplaceCommand(s, c, "");
  RemoveSpacingCommands(s);
  ReplaceAll(s, "~", " ");
  ReplaceAll(s, "{,}", ",");
  // Fractions and binomials.
  ReplaceCommand(s, "\\dfrac", "\\frac");
  ReplaceCommand(s, "\\tfrac", "\\frac");
  ReplaceCommand(s, "\\cfrac", "\\frac");
  ReplaceCommand(s, "\\dbinom", "\\binom");
  ReplaceCommand(s, "\\tbinom", "\\binom");
  // Degrees and percent.
  for (const char* d : {"^{\\circ}", "^\\circ", "^{\\circ }", "{}^\\circ"}) ReplaceAll(s, d, "");
  ReplaceCommand(s, "\\circ", "");
  if (had_percent) *had_percent = s.find('%') != std::string::npos;
  ReplaceAll(s, "\\%", "");
  ReplaceAll(s, "%", "");
  Trim(s);
  // Trailing punctuation.
  while (!s.empty() && (s.back() == '.' || IsSpace(s.back()))) {
    // "5." ends a sentence; "\." or "..." is left alone.
    if (s.back() == '.' && s.size() >= 2 && (s[s.size() - 2] == '\\' || s[s.size() - 2] == '.'))
      break;
    s.pop_back();
  }
  ReplaceSeparatorWords(s);
  StripTrailingUnits(s);
  Trim(s);
  JoinThousands(s);
  return s;
}

std::string TextKey(std::string_view normalized) {
  std::string key;
  key.reserve(normalized.size());
  for (char c : normalized)
    if (!IsSpace(c)) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace rlzero::verifiers::math
