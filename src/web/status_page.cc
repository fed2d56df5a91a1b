#include "web/status_page.h"

#include <fmt/format.h>

#include "util/check.h"

namespace mtg::web {
namespace {

// The style and the refresh script, fixed text (no data of the overview inside).
constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mtguard status</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.4em}
table{border-collapse:collapse;font-size:.85em}
th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}.error{color:#a00}.empty{color:#777}
td.ok,td.yes,td.up,td.running,td.active,td.filled{color:#070}
td.no,td.down,td.failed,td.rejected,td.FAILED,td.expired,td.dropped{color:#a00}
</style></head><body>
)";

constexpr std::string_view kScript = R"(<script>
// Reloads the sections in place: fetch this page again and swap its <main>.
setInterval(function () {
  fetch(window.location.href, {cache: "no-store"}).then(function (r) {
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.text();
  }).then(function (html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
    if (fresh) document.querySelector("main").replaceWith(fresh);
  }).catch(function (e) {
    document.getElementById("refresh").textContent = "refresh failed: " + e.message;
  });
}, )";

// A cell's class: its text when that is one of the states the style colours, else none.
std::string cell_class(const std::string& text) {
  static const char* kStates[] = {"ok",      "yes",      "up",      "running", "active",  "filled", "no",
                                  "down",    "failed",   "rejected", "FAILED", "expired", "dropped"};
  for (const char* s : kStates) {
    if (text == s) return fmt::format(" class=\"{}\"", s);
  }
  return "";
}

void render_table(const OverviewSection& section, std::string& out) {
  out += fmt::format("<section><h2>{}</h2>\n", html_escape(section.title));
  if (!section.table) {
    out += fmt::format("<p class=\"error\" id=\"{}\">unavailable: {}</p></section>\n", html_escape(section.key),
                       html_escape(section.table.status().to_string()));
    return;
  }
  const Table& table = *section.table;
  if (table.rows() == 0) {
    out += fmt::format("<p class=\"empty\" id=\"{}\">none</p></section>\n", html_escape(section.key));
    return;
  }
  out += fmt::format("<table id=\"{}\"><thead><tr>", html_escape(section.key));
  for (const auto& c : table.columns()) out += "<th>" + html_escape(c) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : table.cells()) {
    out += "<tr>";
    for (const auto& cell : row) out += "<td" + cell_class(cell) + ">" + html_escape(cell) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table></section>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  MTG_CHECK(out.size() >= text.size());
  return out;
}

std::string render_status_page(const SystemOverview& overview) {
  MTG_CHECK(!overview.sections.empty());
  std::string out(kHead);
  out += "<h1>mtguard status</h1>\n<main>\n";
  out += fmt::format("<p>taken at <time id=\"taken-at\" data-ms=\"{0}\">{0}</time> (Unix ms)</p>\n",
                     overview.taken_at_ms);
  for (const auto& section : overview.sections) render_table(section, out);
  out += "</main>\n<p id=\"refresh\">refreshes every " + std::to_string(kRefreshMs / 1000) +
         " s; JSON at <a href=\"api/status\">api/status</a></p>\n";
  out += kScript;
  out += std::to_string(kRefreshMs) + ");\n</script>\n</body></html>\n";
  MTG_CHECK(out.size() > kHead.size());
  return out;
}

}  // namespace mtg::web
