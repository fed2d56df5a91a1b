// Can the operator's tools reach every store? One check per store (Redis, PostgreSQL,
// ClickHouse, DuckDB): its address and version, or the error that stopped the check.
// Used by `mtguard status` and the status page (web/).
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace mtg {

struct StoreCheck {
  std::string store;    // "redis", "postgres", "clickhouse", "duckdb"
  std::string address;  // host:port, or the DuckDB file's path
  Result<std::string> version;
};

inline constexpr size_t kCheckedStores = 4;

// One check per store, in the order above. DuckDB is opened read-only only when no
// backend holds it; otherwise the backend's heartbeat in Redis vouches for the file.
std::vector<StoreCheck> check_stores(const Config& config);

}  // namespace mtg
