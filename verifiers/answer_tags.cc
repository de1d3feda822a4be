// verifiers/answer_tags.cc
#include "verifiers/answer_tags.h"

namespace rlzero::verifiers {

std::optional<std::string_view> FindLastTagged(std::string_view text, std::string_view open,
                                               std::string_view close) {
  std::optional<std::string_view> last;
  if (open.empty() || close.empty()) return last;
  size_t pos = 0;
  while (true) {
    size_t o = text.find(open, pos);
    if (o == std::string_view::npos) break;
    size_t begin = o + open.size();
    size_t c = text.find(close, begin);
    if (c == std::string_view::npos) break;
    last = text.substr(begin, c - begin);
    pos = c + close.size();
  }
  if (last) {
    size_t inner = last->rfind(open);
    if (inner != std::string_view::npos) last = last->substr(inner + open.size());
  }
  return last;
}

size_t CountOccurrences(std::string_view text, std::string_view needle) {
  if (needle.empty()) return 0;
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size()))
    ++n;
  return n;
}

std::string_view TrimAscii(std::string_view text) {
  const char* ws = " \t\r\n\f\v";
  size_t b = text.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = text.find_last_not_of(ws);
  return text.substr(b, e - b + 1);
}

}  // namespace rlzero::verifiers
