// Opening the backend's DuckDB file with the fallback chain of seed §4.4/§5.3:
//   file present and sound        -> open it;
//   file corrupt (kCorruption)    -> move it (and its .wal) aside to <path>.corrupt-<unix ms>,
//                                    then as if missing;
//   file missing                  -> restore the latest valid snapshot through the
//                                    SnapshotRestorer seam (the backups module plugs in
//                                    here), open, migrate, and mark it refill-pending.
// A database that was missing lacks what happened after its snapshot: the backend then
// refills it (Backend::refill_step: the gap from ClickHouse with
// fill_history_from_clickhouse, then RTRS replayed in steps between which the loop
// ingests new results), retrying until that succeeds, so a
// ClickHouse that is down at start-up delays the refill but never skips it. The mark
// lives in the database (sync_state 'refill_pending') until the refill succeeded: a
// backend killed in between refills on its next start although the file is there.
// The mark holds the gap's start: a result the restored file lacks was recorded after
// its newest row, and synced to ClickHouse later still, so the fill reads only rows
// synced since that row (less kFillClockMarginMs), not the whole history.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

// Clock differences the gap's start allows for.
inline constexpr int64_t kFillClockMarginMs = 600'000;

// Marks `db` refill-pending from its newest trade_history row; an existing mark (an
// earlier gap start) is kept. The ClickHouse gap is to be filled again; the RTRS replay
// starts after the last entry ingested into the file (HistoryWriter::write's
// rtrs_through), or, when the file was refill-pending already, after the last one that
// refill replayed.
Status mark_refill_pending(DuckDatabase& db);
Status clear_refill_pending(DuckDatabase& db);
// The gap's start (Unix ms) of a refill-pending database, nullopt when none is pending.
Result<std::optional<int64_t>> pending_refill_since(DuckDatabase& db);

// How far a pending refill got, kept beside its mark (and cleared with it) so that a
// refill cut off by a kill or a lost server resumes instead of starting over: the
// ClickHouse gap fill is done once, the RTRS replay goes on after the last entry it
// recorded. (A replay that restarted at id 0 on every cut never finished while RTRS
// grew: the 1,000-fault chaos campaign, seed 1124.)
struct RefillProgress {
  bool clickhouse_filled = false;
  std::string clickhouse_filled_through;    // the gap fill's last result_id, "" before the first page
  std::string rtrs_replayed_through = "0";  // an RTRS stream id, "0" before the first
  // The last RTRS entry the replay needs: the backend group's last delivered one when
  // the refill's first step ran (later ones the loop records as they come); "" before.
  std::string rtrs_replay_until;
};
Result<RefillProgress> refill_progress(DuckDatabase& db);
Status record_clickhouse_filled(DuckDatabase& db);
Status record_clickhouse_filled_through(DuckDatabase& db, const std::string& result_id);
Status record_rtrs_replayed_through(DuckDatabase& db, const std::string& stream_id);
Status record_rtrs_replay_until(DuckDatabase& db, const std::string& stream_id);

// One page of the ClickHouse gap fill.
struct GapPage {
  int64_t inserted = 0;        // rows DuckDB lacked
  std::string through;         // the page's last result_id ("" when it was empty)
  bool reached_end = false;    // the gap has no more rows after `through`
};
// Inserts into trade_history the rows of ClickHouse trade_results FINAL for `config`'s
// instances synced at or after `synced_since_ms`, in result_id order after
// `after_result_id`, up to `max_rows` of them (at most kFillPageRows), skipping those
// DuckDB has (ON CONFLICT DO NOTHING, not re-synced). A gap of any size thus goes in
// bounded steps.
Result<GapPage> fill_history_page_from_clickhouse(DuckDatabase& db, ClickHouseClient& clickhouse,
                                                  const Config& config, int64_t synced_since_ms,
                                                  const std::string& after_result_id, int64_t max_rows,
                                                  const Clock& clock);

}  // namespace mtg
