#include "store/duckdb/refill_mark.h"

#include <exception>
#include <string_view>

#include "store/duckdb/duckdb_migrations.h"
#include "util/check.h"

namespace mtg {
namespace {

// The sync_state keys of the mark and its progress, all dropped together.
constexpr const char* kPendingKey = "refill_pending";
constexpr const char* kClickhouseFilledKey = "refill_clickhouse_filled";
constexpr const char* kClickhouseFilledThroughKey = "refill_clickhouse_filled_through";
constexpr const char* kRtrsReplayedThroughKey = "refill_rtrs_replayed_through";
constexpr const char* kRtrsReplayUntilKey = "refill_rtrs_replay_until";

std::string quoted(const char* key) { return std::string("'") + key + "'"; }

// The progress keys as an SQL list: ('a', 'b', …).
std::string progress_key_list() {
  return std::string("(") + quoted(kClickhouseFilledKey) + ", " + quoted(kClickhouseFilledThroughKey) + ", " +
         quoted(kRtrsReplayedThroughKey) + ", " + quoted(kRtrsReplayUntilKey) + ")";
}

Status record_progress(DuckDatabase& db, const char* key, const std::string& value) {
  MTG_CHECK(std::string_view(key) != kPendingKey);  // progress never moves the gap's start
  return db.exec_params("INSERT OR REPLACE INTO sync_state(key, value) VALUES (?, ?)", {std::string(key), value});
}

}  // namespace

Status mark_refill_pending(DuckDatabase& db) {
  const std::string not_pending =
      " NOT EXISTS (SELECT 1 FROM sync_state WHERE key = " + quoted(kPendingKey) + ")";
  return db.exec("DELETE FROM sync_state WHERE key IN (" + quoted(kClickhouseFilledKey) + ", " +
                 quoted(kClickhouseFilledThroughKey) + ", " + quoted(kRtrsReplayUntilKey) + "); " +
                 "DELETE FROM sync_state WHERE key = " + quoted(kRtrsReplayedThroughKey) + " AND" + not_pending +
                 "; INSERT INTO sync_state(key, value) SELECT " + quoted(kRtrsReplayedThroughKey) +
                 ", value FROM sync_state WHERE key = " + quoted(kRtrsRecordedThroughKey) + " AND" + not_pending +
                 "; INSERT OR IGNORE INTO sync_state(key, value) SELECT " + quoted(kPendingKey) +
                 ", CAST(greatest(coalesce(max(recorded_at), 0) - " + std::to_string(kFillClockMarginMs) +
                 ", 0) AS VARCHAR) FROM trade_history");
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
    if (key == kClickhouseFilledKey) progress.clickhouse_filled = true;
    if (key == kClickhouseFilledThroughKey) progress.clickhouse_filled_through = row.at(1).value_or("");
    if (key == kRtrsReplayedThroughKey) progress.rtrs_replayed_through = row.at(1).value_or("0");
    if (key == kRtrsReplayUntilKey) progress.rtrs_replay_until = row.at(1).value_or("");
  }
  return progress;
}

Status record_clickhouse_filled(DuckDatabase& db) { return record_progress(db, kClickhouseFilledKey, "1"); }

Status record_clickhouse_filled_through(DuckDatabase& db, const std::string& result_id) {
  return record_progress(db, kClickhouseFilledThroughKey, result_id);
}

Status record_rtrs_replayed_through(DuckDatabase& db, const std::string& stream_id) {
  return record_progress(db, kRtrsReplayedThroughKey, stream_id);
}

Status record_rtrs_replay_until(DuckDatabase& db, const std::string& stream_id) {
  return record_progress(db, kRtrsReplayUntilKey, stream_id);
}

Status mark_file_refill_pending(const std::string& path) {
  auto db = DuckDatabase::open(path);
  if (!db) return db.status().with_context("open " + path + " to mark it refill-pending");
  MTG_RETURN_IF_ERROR(migrate_duckdb(**db));  // a snapshot of an older version lacks tables
  MTG_RETURN_IF_ERROR(mark_refill_pending(**db));
  return (*db)->exec("CHECKPOINT");  // whole in the one file before it goes live
}

}  // namespace mtg
