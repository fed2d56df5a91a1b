// HistoryWriter: records RTRS results in DuckDB, a batch per transaction.
//
// For each result, in ONE transaction for the whole batch:
// - trade_history: INSERT … ON CONFLICT (result_id) DO NOTHING — a result already
//   logged (a replay after a crash) is dropped (docs/requirements.md §3.5);
// - sync_outbox: the ClickHouse row, only for results newly logged;
// - trade_state: the order's state mirrored from the result (uuid, instance, symbol,
//   side, volume, filled_volume, state = the status name, updated_at). A final result
//   always wins; a `partial` never overwrites a final state; `duplicate` answers and
//   results without a uuid leave trade_state alone.
// Each table's rows are staged with DuckDB's appender in a temp table and moved by one
// INSERT … SELECT. Either every result of the batch is stored or none is.
// Single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "order/trade_result.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/refill_mark.h"
#include "util/clock.h"

namespace mtg {

// Most results one write() takes.
inline constexpr size_t kMaxHistoryBatch = 500;

class HistoryWriter {
 public:
  // `db` and `clock` must outlive the writer.
  HistoryWriter(DuckDatabase& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores `results` (at most kMaxHistoryBatch) atomically. Returns how many were new
  // (the rest were logged already). On error nothing is stored. `rtrs_through`, unless
  // empty, is the last RTRS entry of a batch read in stream order (ingest): the same
  // transaction records it (kRtrsRecordedThroughKey), so the file, and any snapshot of
  // it, holds every RTRS entry up to that one — a refill replays only what comes after.
  Result<int64_t> write(const std::vector<TradeResult>& results, const std::string& rtrs_through);

  // The ClickHouse row of a result: the columns of mtguard.trade_results except
  // synced_at (added when sent), as one JSON object.
  static std::string clickhouse_row(const TradeResult& result);

 private:
  // The statements of write(), inside its transaction. Returns the results new.
  Result<int64_t> write_batch(const std::vector<TradeResult>& results, int64_t now_ms);
  Status mirror_states(const std::map<std::string, const TradeResult*>& finals,
                       const std::map<std::string, const TradeResult*>& partials, int64_t now_ms);

  DuckDatabase& db_;
  const Clock& clock_;
};

}  // namespace mtg
