// The status page of `mtguard web`: one server-rendered HTML document of a
// SystemOverview, a table per section (<table id="KEY">, one <tr> per row), with a
// little plain JavaScript that reloads the sections every few seconds. Self-contained:
// no framework, no external script, style or font. Every text of the overview is
// HTML-escaped; nothing of the configuration but instance ids reaches the page.
#pragma once

#include <string>
#include <string_view>

#include "overview/system_overview.h"

namespace mtg::web {

// How often the page's script fetches a fresh copy of itself.
inline constexpr int kRefreshMs = 5'000;

// `text` with &, <, >, " and ' replaced by their character references.
std::string html_escape(std::string_view text);

// The whole page.
std::string render_status_page(const SystemOverview& overview);

}  // namespace mtg::web
