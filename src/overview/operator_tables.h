// The tables operators read, built once for `mtguard status|instance list|positions|
// sync status|backup list` and for the status page (web/): stores, instances (RIS),
// positions and pending orders, the ClickHouse sync, the backups. Cells are text; a
// table prints aligned or as JSON (util/table.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backend/sync_status.h"
#include "backup/backup_kind.h"
#include "backup/backup_repository.h"
#include "config/config.h"
#include "overview/store_checks.h"
#include "store/redis/redis_client.h"
#include "trade/position.h"
#include "util/table.h"

namespace mtg {

// store, address, version, state ("ok" or "error: …"): one row per check.
Table store_table(const std::vector<StoreCheck>& checks);

// instance, enabled, connected, broker, attempts, reason: every configured instance with
// the state the engine keeps in RIS. An instance RIS does not know yet is shown as
// configured and not connected.
Result<Table> instance_table(const Config& config, RedisClient& redis);

// Every instance's positions and pending orders as its terminal last reported them.
struct HoldingsTables {
  Table positions;
  Table orders;
};
HoldingsTables holdings_tables(const std::map<std::string, Holdings>& holdings, int64_t now_ms);

// The status the backend publishes (BackendKeys::sync), or kUnavailable when no backend
// publishes one.
Result<SyncStatus> read_sync_status(RedisClient& redis, const std::string& prefix);
// state, lag_rows, oldest_unsent_age_ms, attempts, failed_batches, rows_synced, last_error.
Table sync_table(const SyncStatus& status);

// The columns of backup_table: kind, id, created, age, size, sha256, verified, path.
Table backup_table();
// Adds one backup. `exact` keeps the size in bytes and the whole sha256 (for JSON); else
// both are shortened for a reader.
void add_backup_row(Table& table, backup::BackupKind kind, const backup::BackupEntry& entry, int64_t now_ms,
                    bool exact);

}  // namespace mtg
