// inspect/report_page.h: renders the self-contained HTML report page
// (inspect/report_page.html, compiled in) around the data of BuildReportData.
//
// Contract: the data is embedded as JSON inside
// <script type="application/json">; EscapeJsonForScript guarantees that no
// byte sequence of hostile model text can close that element or open
// markup: every '<', '>' and '&' (which in JSON text can only occur inside
// strings) becomes \u003c, \u003e, \u0026, and U+2028/U+2029 become
// \u2028/\u2029. The title is HTML-escaped. live=true makes the page poll
// api/version and reload api/data (rlzero serve).
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace rlzero::inspect {

std::string EscapeJsonForScript(const std::string& json_text);
std::string HtmlEscape(const std::string& text);
std::string RenderReportHtml(const nlohmann::json& data, const std::string& title, bool live);

}  // namespace rlzero::inspect
