#include "store/duckdb/refill_mark.h"

#include <exception>
#include <string_view>

#include "store/duckdb/duckdb_migrations.h"
#include "util/check.h"

namespace mtg {
namespace {

// The sync_state key of the mark; its progress keys, per feed, are dropped with it.
constexpr const char* kPendingKey = "refill_pending";

// The sync_state keys of one feed. The results' keep the names of the files written
// before there were events, so a refill such a file left pending goes on.
struct FeedKeys {
  const char* recorded_through;
  const char* clickhouse_filled;
  const char* clickhouse_filled_through;
  const char* replayed_through;
  const char* replay_until;
};
constexpr FeedKeys kResultsKeys{"rtrs_recorded_through", "refill_clickhouse_filled",
                                "refill_clickhouse_filled_through", "refill_rtrs_replayed_through",
                                "refill_rtrs_replay_until"};
constexpr FeedKeys kEventsKeys{"events_recorded_through", "refill_clickhouse_events_filled",
                               "refill_clickhouse_events_filled_through", "refill_events_replayed_through",
                               "refill_events_replay_until"};

const FeedKeys& keys_of(Feed feed) { return feed == Feed::kResults ? kResultsKeys : kEventsKeys; }

std::string quoted(const char* key) { return std::string("'") + key + "'"; }

// The progress keys of every feed as an SQL list: ('a', 'b', …).
std::string progress_key_list() {
  std::string list;
  for (Feed feed : kFeeds) {
    const FeedKeys& k = keys_of(feed);
    for (const char* key : {k.clickhouse_filled, k.clickhouse_filled_through, k.replayed_through, k.replay_until}) {
      list += (list.empty() ? "(" : ", ") + quoted(key);
    }
  }
  return list + ")";
}

Status record_progress(DuckDatabase& db, const char* key, const std::string& value) {
  MTG_CHECK(std::string_view(key) != kPendingKey);  // progress never moves the gap's start
  return db.exec_params("INSERT OR REPLACE INTO sync_state(key, value) VALUES (?, ?)", {std::string(key), value});
}

// The statements that restart one feed's refill: its gap is filled again from its
// start, its replay bound again, and, unless a refill was pending already, its replay
// starts after the last entry the file ingested.
std::string restart_feed_sql(const FeedKeys& k) {
  const std::string not_pending =
      " NOT EXISTS (SELECT 1 FROM sync_state WHERE key = " + quoted(kPendingKey) + ")";
  return "DELETE FROM sync_state WHERE key IN (" + quoted(k.clickhouse_filled) + ", " +
         quoted(k.clickhouse_filled_through) + ", " + quoted(k.replay_until) + "); " +
         "DELETE FROM sync_state WHERE key = " + quoted(k.replayed_through) + " AND" + not_pending +
         "; INSERT INTO sync_state(key, value) SELECT " + quoted(k.replayed_through) +
         ", value FROM sync_state WHERE key = " + quoted(k.recorded_through) + " AND" + not_pending + "; ";
}

}  // namespace

const char* feed_name(Feed feed) { return feed == Feed::kResults ? "results" : "events"; }

const char* recorded_through_key(Feed feed) { return keys_of(feed).recorded_through; }

Status mark_refill_pending(DuckDatabase& db) {
  std::string sql;
  for (Feed feed : kFeeds) sql += restart_feed_sql(keys_of(feed));
  return db.exec(sql + "INSERT OR IGNORE INTO sync_state(key, value) SELECT " + quoted(kPendingKey) +
                 ", CAST(greatest(coalesce(max(recorded_at), 0) - " + std::to_string(kFillClockMarginMs) +
                 ", 0) AS VARCHAR) FROM (SELECT recorded_at FROM trade_history UNION ALL "
                 "SELECT recorded_at FROM trade_events)");
}

Status clear_refill_pending(DuckDatabase& db) {
  return db.exec("DELETE FROM sync_state WHERE key = " + quoted(kPendingKey) + " OR key IN " + progress_key_list());
}

Result<std::optional<int64_t>> pending_refill_since(DuckDatabase& db) {
  auto rows = db.query("SELECT value FROM sync_state WHERE key = " + quoted(kPendingKey));
  if (!rows) return rows.status();
  if (rows->rows.empty()) return std::optional<int64_t>();
  const std::string since = rows->rows.at(0).at(0).value_or("");
  try {
    return std::optional<int64_t>(std::stoll(since));
  } catch (const std::exception&) {
    return Status::corruption("sync_state refill_pending is not a time: '" + since + "'");
  }
}

Result<RefillProgress> refill_progress(DuckDatabase& db) {
  auto rows = db.query("SELECT key, value FROM sync_state WHERE key IN " + progress_key_list());
  if (!rows) return rows.status();
  MTG_CHECK(rows->columns.size() == 2);  // key, value: what row.at(1) reads
  RefillProgress progress;
  for (const auto& row : rows->rows) {
    const std::string key = row.at(0).value_or("");
    for (Feed feed : kFeeds) {
      const FeedKeys& k = keys_of(feed);
      FeedRefill& p = progress.of(feed);
      if (key == k.clickhouse_filled) p.clickhouse_filled = true;
      if (key == k.clickhouse_filled_through) p.clickhouse_filled_through = row.at(1).value_or("");
      if (key == k.replayed_through) p.replayed_through = row.at(1).value_or("0");
      if (key == k.replay_until) p.replay_until = row.at(1).value_or("");
    }
  }
  return progress;
}

Status record_clickhouse_filled(DuckDatabase& db, Feed feed) {
  return record_progress(db, keys_of(feed).clickhouse_filled, "1");
}

Status record_clickhouse_filled_through(DuckDatabase& db, Feed feed, const std::string& key) {
  return record_progress(db, keys_of(feed).clickhouse_filled_through, key);
}

Status record_replayed_through(DuckDatabase& db, Feed feed, const std::string& stream_id) {
  return record_progress(db, keys_of(feed).replayed_through, stream_id);
}

Status record_replay_until(DuckDatabase& db, Feed feed, const std::string& stream_id) {
  return record_progress(db, keys_of(feed).replay_until, stream_id);
}

Status mark_file_refill_pending(const std::string& path) {
  auto db = DuckDatabase::open(path);
  if (!db) return db.status().with_context("open " + path + " to mark it refill-pending");
  MTG_RETURN_IF_ERROR(migrate_duckdb(**db));  // a snapshot of an older version lacks tables
  MTG_RETURN_IF_ERROR(mark_refill_pending(**db));
  return (*db)->exec("CHECKPOINT");  // whole in the one file before it goes live
}

}  // namespace mtg
