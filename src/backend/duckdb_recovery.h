// Opening the backend's DuckDB file with the fallback chain of docs/requirements.md §4.4/§5.3:
//   file present and sound        -> open it;
//   file corrupt (kCorruption)    -> move it (and its .wal) aside to <path>.corrupt-<unix ms>,
//                                    then as if missing;
//   file missing                  -> restore the latest valid snapshot through the
//                                    SnapshotRestorer seam (the backups module plugs in
//                                    here) into <path>.restoring (an empty database
//                                    when there is none), migrate and mark it
//                                    refill-pending there, checkpoint, rename it to
//                                    <path>: a kill never leaves part of a file, or a
//                                    file without its mark, in place.
// A database that was missing lacks what happened after its snapshot: the backend then
// refills it (Backend::refill_step: the gaps of trade_history and trade_events from
// ClickHouse with fill_page_from_clickhouse, then RTRS and the events stream replayed,
// in steps between which the loop ingests new entries), retrying until that succeeds, so a
// ClickHouse that is down at start-up delays the refill but never skips it. The mark
// lives in the database (store/duckdb/refill_mark.h) until the refill succeeded: a
// backend killed in between refills on its next start although the file is there.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "backend/synced_table.h"
#include "config/config.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/refill_mark.h"
#include "util/clock.h"

namespace mtg {

// Writes the latest valid snapshot to `path` (which does not exist). Returns true when
// it restored one, false when there is none.
using SnapshotRestorer = std::function<Result<bool>(const std::string& path)>;

struct DuckOpenOutcome {
  std::unique_ptr<DuckDatabase> db;  // open and migrated
  bool was_missing = false;          // the file did not exist (or was moved aside)
  bool refill_pending = false;       // marked: missing now, or an earlier refill never finished
  std::string moved_aside;           // where a corrupt file went, "" when none
  bool snapshot_restored = false;
};

// Most rows one ClickHouse page of the gap fill carries.
inline constexpr int64_t kFillPageRows = 10'000;

// Opens config.duckdb.path with the chain above and runs migrate_duckdb.
// `restore_snapshot` may be empty (no backups module).
Result<DuckOpenOutcome> open_backend_duckdb(const Config& config,
                                            const SnapshotRestorer& restore_snapshot, const Clock& clock);

// One page of the ClickHouse gap fill.
struct GapPage {
  int64_t inserted = 0;        // rows DuckDB lacked
  std::string through;         // the page's last key ("" when it was empty)
  bool reached_end = false;    // the gap has no more rows after `through`
};
// Inserts into `table`'s DuckDB table the rows of its ClickHouse table (FINAL) for
// `config`'s instances synced at or after `synced_since_ms`, in key order after
// `after_key`, up to `max_rows` of them (at most kFillPageRows), skipping those DuckDB
// has (ON CONFLICT DO NOTHING, not re-synced). A gap of any size thus goes in bounded
// steps.
Result<GapPage> fill_page_from_clickhouse(DuckDatabase& db, ClickHouseClient& clickhouse, const Config& config,
                                          const SyncedTable& table, int64_t synced_since_ms,
                                          const std::string& after_key, int64_t max_rows, const Clock& clock);

}  // namespace mtg
