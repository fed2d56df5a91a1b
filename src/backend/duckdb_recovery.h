// Opening the backend's DuckDB file with the fallback chain of seed §4.4/§5.3:
//   file present and sound        -> open it;
//   file corrupt (kCorruption)    -> move it (and its .wal) aside to <path>.corrupt-<unix ms>,
//                                    then as if missing;
//   file missing                  -> restore the latest valid snapshot through the
//                                    SnapshotRestorer seam (the backups module plugs in
//                                    here; none yet), open, migrate, then fill the gap
//                                    from ClickHouse: trade_history rows rebuilt from
//                                    `<db>.trade_results FINAL` for the configured
//                                    instances (ON CONFLICT DO NOTHING, not re-synced).
// A ClickHouse failure during the fill is reported in the outcome, not as an error:
// the backend still starts (new results must keep flowing).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/duckdb/duckdb_database.h"
#include "util/clock.h"

namespace mtg {

// Writes the latest valid snapshot to `path` (which does not exist). Returns true when
// it restored one, false when there is none.
using SnapshotRestorer = std::function<Result<bool>(const std::string& path)>;

struct DuckOpenOutcome {
  std::unique_ptr<DuckDatabase> db;  // open and migrated
  bool was_missing = false;          // the file did not exist (or was moved aside)
  std::string moved_aside;           // where a corrupt file went, "" when none
  bool snapshot_restored = false;
  int64_t filled_from_clickhouse = -1;  // rows inserted by the gap fill; -1 when none ran
  std::string fill_error;               // why the gap fill failed, "" when it did not
};

// Most rows one ClickHouse page of the gap fill carries.
inline constexpr int64_t kFillPageRows = 10'000;

// Opens config.duckdb.path with the chain above and runs migrate_duckdb.
// `restore_snapshot` may be empty (no backups module). `clickhouse` may be null (no fill).
Result<DuckOpenOutcome> open_backend_duckdb(const Config& config, ClickHouseClient* clickhouse,
                                            const SnapshotRestorer& restore_snapshot, const Clock& clock);

// Inserts trade_history rows from ClickHouse trade_results FINAL for `config`'s
// instances that DuckDB lacks. Returns the rows inserted.
Result<int64_t> fill_history_from_clickhouse(DuckDatabase& db, ClickHouseClient& clickhouse, const Config& config,
                                             const Clock& clock);

}  // namespace mtg
