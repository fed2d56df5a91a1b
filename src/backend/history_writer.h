// HistoryWriter: records RTRS results and trade events in DuckDB, a batch per
// transaction.
//
// For each result, in ONE transaction for the whole batch:
// - trade_history: INSERT … ON CONFLICT (result_id) DO NOTHING — a result already
//   logged (a replay after a crash) is dropped (docs/requirements.md §3.5);
// - sync_outbox: the ClickHouse row (target trade_results), only for results newly logged;
// - trade_state: the order's state mirrored from the result (uuid, instance, symbol,
//   side, volume, filled_volume, state = the status name, updated_at). A final result
//   always wins; a `partial` never overwrites a final state; `duplicate` answers and
//   results without a uuid leave trade_state alone.
// For each event, likewise: trade_events (ON CONFLICT (id) DO NOTHING: an event
// delivered again is recorded once) and, only for events newly recorded, sync_outbox
// (target trade_events).
// Each table's rows of a batch are staged with DuckDB's appender in a temp table and
// moved by one INSERT … SELECT (store/duckdb/duck_staging.h). Either every row of the
// batch is stored or none is. Single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "backend/synced_table.h"
#include "order/trade_result.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/refill_mark.h"
#include "trade/trade_event.h"
#include "util/clock.h"

namespace mtg {

// Most results or events one write() takes.
inline constexpr size_t kMaxHistoryBatch = 500;

class HistoryWriter {
 public:
  // `db` and `clock` must outlive the writer.
  HistoryWriter(DuckDatabase& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores `results` (at most kMaxHistoryBatch) atomically. Returns how many were new
  // (the rest were logged already). On error nothing is stored. `through`, unless
  // empty, is the last RTRS entry of a batch read in stream order (ingest): the same
  // transaction records it (recorded_through_key), so the file, and any snapshot of
  // it, holds every RTRS entry up to that one — a refill replays only what comes after.
  Result<int64_t> write(const std::vector<TradeResult>& results, const std::string& through);
  // The same for trade events and the events stream.
  Result<int64_t> write(const std::vector<TradeEvent>& events, const std::string& through);

  // The outbox's text of a row (result_row, event_row): one JSON object.
  static std::string row_text(const nlohmann::json& row);

 private:
  // What a batch does inside its transaction besides recording its rows, given the
  // indexes of the rows newly recorded (in batch order) and the time they were.
  using AfterRecord = std::function<Status(const std::vector<size_t>& fresh, int64_t now_ms)>;
  // Records `rows` of `table` and the outbox rows of those new, runs `after`, and
  // records `through`, all in one transaction. Returns the rows new.
  Result<int64_t> write_rows(const SyncedTable& table, const std::vector<nlohmann::json>& rows,
                             const std::string& through, const AfterRecord& after);
  // The statements of write_rows inside its transaction; returns the indexes of the
  // rows new, in batch order (a key repeated within the batch: its first row).
  Result<std::vector<size_t>> record_rows(const SyncedTable& table, const std::vector<nlohmann::json>& rows,
                                          int64_t now_ms);
  Status mirror_states(const std::map<std::string, const TradeResult*>& finals,
                       const std::map<std::string, const TradeResult*>& partials, int64_t now_ms);

  DuckDatabase& db_;
  const Clock& clock_;
};

}  // namespace mtg
