// The refill mark of a DuckDB history file: rows of its sync_state table saying that
// the file lacks what happened after it was written — a snapshot restored, a new file —
// and how far the backend's refill of it got (docs/requirements.md §4.4; the refill itself is
// Backend::refill_step). The backend marks a file it restored or found missing; a
// restore done while no backend runs (backupd swapping the file itself) marks the
// restored file before it goes live, so the backend refills it when it starts.
//
// The mark holds the gap's start: a result the file lacks was recorded after its newest
// row, and synced to ClickHouse later still, so the fill reads only rows synced since
// that row (less kFillClockMarginMs), not the whole history. The progress beside it
// lets a refill cut off by a kill or a lost server resume instead of starting over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/duckdb/duckdb_database.h"
#include "util/status.h"

namespace mtg {

// The sync_state key under which each ingest transaction records the last RTRS entry
// it holds (HistoryWriter::write): a restored file replays RTRS only after it.
inline constexpr const char* kRtrsRecordedThroughKey = "rtrs_recorded_through";

// Clock differences the gap's start allows for.
inline constexpr int64_t kFillClockMarginMs = 600'000;

// Marks `db` refill-pending from its newest trade_history row; an existing mark (an
// earlier gap start) is kept. The ClickHouse gap is to be filled again; the RTRS replay
// starts after the last entry ingested into the file (kRtrsRecordedThroughKey), or, when
// the file was refill-pending already (a snapshot taken mid-refill), after the last one
// that refill replayed — entries between those two are what it had not replayed yet.
Status mark_refill_pending(DuckDatabase& db);
// Drops the mark and all its progress: the refill is complete.
Status clear_refill_pending(DuckDatabase& db);
// The gap's start (Unix ms) of a refill-pending database, nullopt when none is pending.
Result<std::optional<int64_t>> pending_refill_since(DuckDatabase& db);

// How far a pending refill got, kept beside its mark (and cleared with it): the
// ClickHouse gap fill goes on after the last result_id it filled, the RTRS replay after
// the last entry it recorded. (A replay that restarted at id 0 on every cut never
// finished while RTRS grew: the 1,000-fault chaos campaign, seed 1124.)
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

// Opens the (closed) database file at `path`, migrates it (migrate_duckdb), marks it
// refill-pending and closes it.
Status mark_file_refill_pending(const std::string& path);

}  // namespace mtg
