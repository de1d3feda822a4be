// policy/tokenizer/regex.cc: see regex.h.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "policy/tokenizer/regex.h"

#include <pcre2.h>

namespace rlzero::tokenizer_internal {
namespace {

// Per-thread scratch: one-pair match data (we only need the whole match) and a
// JIT stack big enough for long whitespace runs under lookahead.
struct Scratch {
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
  pcre2_match_context* ctx = pcre2_match_context_create(nullptr);
  Scratch() {
    if (ctx != nullptr && stack != nullptr) pcre2_jit_stack_assign(ctx, nullptr, stack);
  }
  ~Scratch() {
    pcre2_match_context_free(ctx);
    pcre2_jit_stack_free(stack);
    pcre2_match_data_free(md);
  }
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Unicode White_Space, which is what \s means to Oniguruma (used by Hugging
// Face tokenizers for Split) and to Rust's regex. PCRE2 10.42's \s under UCP
// adds U+180E (MONGOLIAN VOWEL SEPARATOR, no longer a space since Unicode
// 6.3), so \s and \S are spelled out.
constexpr const char* kWhiteSpaceItems =
    "\\t\\n\\x{0B}\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}";

}  // namespace

std::string RewriteWhitespaceClasses(const std::string& pattern) {
  std::string out;
  out.reserve(pattern.size() + 64);
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      char n = pattern[i + 1];
      if (n == 's') {
        out += in_class ? std::string(kWhiteSpaceItems) : "[" + std::string(kWhiteSpaceItems) + "]";
      } else if (n == 'S' && !in_class) {
        out += "[^" + std::string(kWhiteSpaceItems) + "]";
      } else {
        out.push_back(c);
        out.push_back(n);  // any other escape, \S inside a class included, stays
      }
      ++i;
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out.push_back(c);
      // A ']' right after '[' or '[^' is a literal member.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out.push_back(pattern[++i]);
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out.push_back(pattern[++i]);
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out.push_back(c);
  }
  return out;
}

StatusOr<std::unique_ptr<Regex>> Regex::Compile(const std::string& pattern, bool literal) {
  // PCRE2_LITERAL does not combine with PCRE2_UCP (and needs no classes).
  uint32_t options = PCRE2_UTF | PCRE2_NO_UTF_CHECK | (literal ? PCRE2_LITERAL : PCRE2_UCP);
  int err = 0;
  PCRE2_SIZE err_offset = 0;
  const std::string compiled = literal ? pattern : RewriteWhitespaceClasses(pattern);
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(compiled.data()), compiled.size(),
                                   options, &err, &err_offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof(buf));
    return InvalidArgument("regex /" + pattern + "/ at offset " + std::to_string(err_offset) +
                           ": " + reinterpret_cast<char*>(buf));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // best effort: falls back to the interpreter
  std::unique_ptr<Regex> r(new Regex());
  r->code_ = code;
  return r;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

bool Regex::FindAll(std::string_view subject,
                    const std::function<void(size_t, size_t)>& on_match) const {
  Scratch& s = ThreadScratch();
  auto* code = static_cast<pcre2_code*>(code_);
  const auto* subj = reinterpret_cast<PCRE2_SPTR>(subject.data());
  size_t offset = 0;
  while (offset < subject.size()) {
    int rc = pcre2_match(code, subj, subject.size(), offset, PCRE2_NO_UTF_CHECK, s.md, s.ctx);
    if (rc == PCRE2_ERROR_NOMATCH) return true;
    if (rc < 0) return false;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(s.md);
    size_t b = ov[0], e = ov[1];
    if (e <= b) {
      // Empty match: skip one character.
      size_t next = b + 1;
      while (next < subject.size() && (static_cast<unsigned char>(subject[next]) & 0xC0) == 0x80)
        ++next;
      offset = next;
      continue;
    }
    on_match(b, e);
    offset = e;
  }
  return true;
}

}  // namespace rlzero::tokenizer_internal
