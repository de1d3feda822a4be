// verifiers/language_verifier.cc: a small UTF-8 decoder and script table.
#include "verifiers/language_verifier.h"

#include <cstdio>

#include "verifiers/answer_tags.h"

namespace rlzero::verifiers {
namespace {

enum Script : unsigned {
  kNone = 0,
  kLatin = 1 << 0,
  kCyrillic = 1 << 1,
  kGreek = 1 << 2,
  kArabic = 1 << 3,
  kHebrew = 1 << 4,
  kDevanagari = 1 << 5,
  kHangul = 1 << 6,
  kThai = 1 << 7,
  kHan = 1 << 8,
  kKana = 1 << 9,
  kOtherLetter = 1 << 10,
};

// Decodes one code point at s[*i] and advances; invalid bytes decode as
// U+FFFD one byte at a time (never reads past the end).
char32_t Decode(std::string_view s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || *i + n > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[*i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  *i += n;
  return cp;
}

Script ScriptOf(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return kLatin;
  if (c < 0x80) return kNone;
  if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF))
    return kLatin;
  if (c >= 0x370 && c <= 0x3FF) return kGreek;
  if (c >= 0x400 && c <= 0x52F) return kCyrillic;
  if (c >= 0x5D0 && c <= 0x5EA) return kHebrew;
  if ((c >= 0x620 && c <= 0x64A) || (c >= 0x671 && c <= 0x6D3)) return kArabic;
  if (c >= 0x900 && c <= 0x97F) return kDevanagari;
  if (c >= 0xE01 && c <= 0xE5B) return kThai;
  if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) || (c >= 0xAC00 && c <= 0xD7AF))
    return kHangul;
  if ((c >= 0x3040 && c <= 0x309F) || (c >= 0x30A0 && c <= 0x30FF)) return kKana;
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F))
    return kHan;
  // Other letters of the BMP's alphabetic blocks (Armenian .. Ethiopic etc.).
  if ((c >= 0x530 && c <= 0x58F) || (c >= 0x10A0 && c <= 0x10FF) || (c >= 0x1200 && c <= 0x137F))
    return kOtherLetter;
  return kNone;
}

unsigned ScriptsOf(std::string_view language) {
  struct Entry {
    const char* code;
    unsigned scripts;
  };
  static const Entry kTable[] = {
      {"en", kLatin}, {"fr", kLatin},  {"de", kLatin},       {"es", kLatin},      {"it", kLatin},
      {"pt", kLatin}, {"zh", kHan},    {"ja", kHan | kKana}, {"ko", kHangul},     {"ru", kCyrillic},
      {"el", kGreek}, {"ar", kArabic}, {"he", kHebrew},      {"hi", kDevanagari}, {"th", kThai},
  };
  for (const Entry& e : kTable)
    if (language == e.code) return e.scripts;
  return 0;
}

std::string_view ChainOfThought(std::string_view text) {
  if (auto t = FindLastTagged(text, "<think>", "</think>")) return *t;
  size_t close = text.find("</think>");
  if (close != std::string_view::npos) return text.substr(0, close);
  return text;
}

class LanguageVerifier : public Verifier {
 public:
  LanguageVerifier(std::string language, double min_share)
      : language_(std::move(language)), min_share_(min_share) {}

  StatusOr<VerifyResult> Verify(const Json& sample, const Deadline&) const override {
    if (!sample.is_object()) return InvalidArgument("language: sample is not a JSON object");
    auto it = sample.find("response");
    if (it == sample.end() || !it->is_string())
      return InvalidArgument("language: sample field 'response' missing or not a string");
    size_t words = 0;
    double share =
        LanguageShare(ChainOfThought(it->get_ref<const std::string&>()), language_, &words);
    VerifyResult r;
    r.score = share;
    r.correct = words > 0 && share >= min_share_;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", share);
    r.extracted = buf;
    if (words == 0)
      r.reason = "no words in the chain of thought";
    else if (!r.correct)
      r.reason = std::string("share of '") + language_ + "' words " + buf + " < min_share";
    return r;
  }

 private:
  std::string language_;
  double min_share_;
};

}  // namespace

double LanguageShare(std::string_view text, std::string_view language, size_t* words_out) {
  unsigned target = ScriptsOf(language);
  if (target == 0) return -1.0;
  size_t words = 0, in_target = 0;
  Script current = kNone;  // script of the word being read (alphabetic scripts)
  size_t i = 0;
  while (i < text.size()) {
    Script s = ScriptOf(Decode(text, &i));
    if (s == kHan || s == kKana) {
      current = kNone;
      ++words;
      if (target & s) ++in_target;
      continue;
    }
    if (s == kNone) {
      current = kNone;
      continue;
    }
    if (s != current) {  // a new word starts (also at a script change)
      ++words;
      if (target & s) ++in_target;
      current = s;
    }
  }
  if (words_out) *words_out = words;
  return words == 0 ? 0.0 : static_cast<double>(in_target) / static_cast<double>(words);
}

StatusOr<std::unique_ptr<Verifier>> MakeLanguageVerifier(ConfigReader& options,
                                                         const VerifierEnv&) {
  std::string language;
  double min_share = 0.9;
  if (!options.Get("language", &language))
    return InvalidArgument("language verifier: option language is required (e.g. en, zh)");
  options.Get("min_share", &min_share);
  if (ScriptsOf(language) == 0)
    return InvalidArgument("language verifier: unknown language '" + language +
                           "' (known: en fr de es it pt zh ja ko ru el ar he hi th)");
  if (!(min_share >= 0.0 && min_share <= 1.0))
    return InvalidArgument("language verifier: min_share must be in [0, 1]");
  return std::unique_ptr<Verifier>(new LanguageVerifier(language, min_share));
}

}  // namespace rlzero::verifiers
