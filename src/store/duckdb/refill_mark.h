// The refill mark of a DuckDB history file: rows of its sync_state table saying that
// the file lacks what happened after it was written — a snapshot restored, a new file —
// and how far the backend's refill of it got (docs/requirements.md §4.4; the refill itself is
// Backend::refill_step). The backend marks a file it restored or found missing; a
// restore done while no backend runs (backupd swapping the file itself) marks the
// restored file before it goes live, so the backend refills it when it starts.
//
// The mark holds the gap's start: a result or event the file lacks was recorded after its
// newest row, and synced to ClickHouse later still, so the fill reads only rows synced since
// that row (less kFillClockMarginMs), not the whole history. The progress beside it
// lets a refill cut off by a kill or a lost server resume instead of starting over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/duckdb/duckdb_database.h"
#include "util/status.h"

namespace mtg {

// What the backend records, each from a Redis stream into a DuckDB table synced to a
// ClickHouse table: results (RTRS -> trade_history -> trade_results) and trade events
// (events -> trade_events -> trade_events). A refill fills each.
enum class Feed { kResults, kEvents };
inline constexpr Feed kFeeds[] = {Feed::kResults, Feed::kEvents};
// "results", "events".
const char* feed_name(Feed feed);

// The sync_state key under which each ingest transaction of `feed` records the last
// stream entry it holds (HistoryWriter): a restored file replays the stream only after
// it. "rtrs_recorded_through" for results, "events_recorded_through" for events.
const char* recorded_through_key(Feed feed);

// Clock differences the gap's start allows for.
inline constexpr int64_t kFillClockMarginMs = 600'000;

// Marks `db` refill-pending from its newest trade_history or trade_events row; an
// existing mark (an earlier gap start) is kept. The ClickHouse gaps are to be filled
// again; each stream's replay starts after the last entry ingested into the file
// (recorded_through_key), or, when the file was refill-pending already (a snapshot
// taken mid-refill), after the last one that refill replayed — entries between those
// two are what it had not replayed yet.
Status mark_refill_pending(DuckDatabase& db);
// Drops the mark and all its progress: the refill is complete.
Status clear_refill_pending(DuckDatabase& db);
// The gap's start (Unix ms) of a refill-pending database, nullopt when none is pending.
Result<std::optional<int64_t>> pending_refill_since(DuckDatabase& db);

// How far a pending refill of one feed got, kept beside its mark (and cleared with
// it): the ClickHouse gap fill goes on after the last key it filled, the stream's
// replay after the last entry it recorded. (A replay that restarted at id 0 on every
// cut never finished while RTRS grew: the 1,000-fault chaos campaign, seed 1124.)
struct FeedRefill {
  bool clickhouse_filled = false;
  std::string clickhouse_filled_through;  // the gap fill's last key, "" before the first page
  std::string replayed_through = "0";     // a stream id, "0" before the first
  // The last entry the replay needs: the backend group's last delivered one when the
  // refill's first step ran (later ones the loop records as they come); "" before.
  std::string replay_until;
};
struct RefillProgress {
  FeedRefill results;
  FeedRefill events;

  const FeedRefill& of(Feed feed) const { return feed == Feed::kResults ? results : events; }
  FeedRefill& of(Feed feed) { return feed == Feed::kResults ? results : events; }
};
Result<RefillProgress> refill_progress(DuckDatabase& db);
Status record_clickhouse_filled(DuckDatabase& db, Feed feed);
Status record_clickhouse_filled_through(DuckDatabase& db, Feed feed, const std::string& key);
Status record_replayed_through(DuckDatabase& db, Feed feed, const std::string& stream_id);
Status record_replay_until(DuckDatabase& db, Feed feed, const std::string& stream_id);

// Opens the (closed) database file at `path`, migrates it (migrate_duckdb), marks it
// refill-pending and closes it.
Status mark_file_refill_pending(const std::string& path);

}  // namespace mtg
