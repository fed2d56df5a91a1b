// The whole system as an operator sees it at one moment: stores, processes, instances,
// positions and pending orders, queues, the latest results, trade events and
// notifications, the ClickHouse sync and the backups. Each section is a table or the
// error that kept it from being read; one failing store never hides the others.
// Read-only: it reads Redis, the backup directory and asks each store for its version.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "util/clock.h"
#include "util/table.h"

namespace mtg {

struct OverviewSection {
  std::string key;    // the JSON key and HTML id: "stores", "instances", …
  std::string title;  // for a reader: "Stores", "Instances", …
  Result<Table> table;
};

struct SystemOverview {
  int64_t taken_at_ms = 0;
  std::vector<OverviewSection> sections;  // in the order of kOverviewKeys

  // The section with this key; it must be one of kOverviewKeys.
  const OverviewSection& section(const std::string& key) const;
};

// The keys of the sections, in order.
inline constexpr const char* kOverviewKeys[] = {
    "stores",  "processes", "instances",     "positions", "orders", "queues",
    "results", "events",    "notifications", "sync",      "backups"};

// How many of the newest results, trade events and notifications a section shows.
inline constexpr int kLatestEntries = 20;

// Reads every section now; never fails as a whole.
SystemOverview gather_overview(const Config& config, const Clock& clock);

// {"<key>": [row objects…], …, "errors": {"<key>": "message", …}}: a section that could
// not be read has no rows and its message under "errors".
nlohmann::json sections_json(const std::vector<OverviewSection>& sections);

// sections_json of the overview's sections with "taken_at": ms.
nlohmann::json overview_json(const SystemOverview& overview);

}  // namespace mtg
