// inspect/report_page.cc
#include "inspect/report_page.h"

#include <algorithm>
#include <cassert>
#include <iterator>

#include "inspect/rollout_json.h"

namespace rlzero::inspect {

extern const char kReportPageTemplate[];  // generated from report_page.html

std::string EscapeJsonForScript(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else if (c == '\xe2' && i + 2 < s.size() && s[i + 1] == '\x80' &&
             (s[i + 2] == '\xa8' || s[i + 2] == '\xa9')) {
      out += s[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderReportHtml(const nlohmann::json& data, const std::string& title, bool live) {
  // Locate every placeholder in the template first, then splice, so nothing
  // inserted can be mistaken for a placeholder.
  const std::string tpl = kReportPageTemplate;
  struct Slot {
    const char* marker;
    std::string value;
    size_t pos;
  };
  Slot slots[] = {
      {"<!--RLZ_TITLE-->", HtmlEscape(title), 0},
      {"/*RLZ_DATA*/", EscapeJsonForScript(DumpJson(data)), 0},
      {"/*RLZ_LIVE*/false", live ? "true" : "false", 0},
  };
  for (auto& s : slots) {
    s.pos = tpl.find(s.marker);
    assert(s.pos != std::string::npos && "report_page.html lost a placeholder");
  }
  std::sort(std::begin(slots), std::end(slots),
            [](const Slot& a, const Slot& b) { return a.pos < b.pos; });
  std::string out;
  size_t at = 0;
  for (const auto& s : slots) {
    out.append(tpl, at, s.pos - at);
    out += s.value;
    at = s.pos + std::string(s.marker).size();
  }
  out.append(tpl, at, std::string::npos);
  return out;
}

}  // namespace rlzero::inspect
