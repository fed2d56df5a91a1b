// The tables the backend records in DuckDB and syncs to ClickHouse, each spelled once:
// results (DuckDB trade_history, ClickHouse trade_results) and trade events (trade_events
// in both). Both stores hold the same columns under the same names, the key first;
// DuckDB adds recorded_at (when the backend recorded the row), ClickHouse synced_at (when
// it was sent: the ReplacingMergeTree version). A row travels as one JSON object keyed
// by column name: the outbox holds it, ClickHouse takes it (JSONEachRow) and gives it
// back to a refill, and duck_values turns it into DuckDB values. The migrations
// (store/duckdb, store/clickhouse) create these columns; tests check they agree.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "order/trade_result.h"
#include "store/duckdb/duck_staging.h"
#include "store/duckdb/duck_types.h"
#include "store/duckdb/refill_mark.h"
#include "trade/trade_event.h"
#include "util/status.h"

namespace mtg {

enum class ColumnType {
  kText,    // VARCHAR / String
  kDouble,  // DOUBLE / Float64
  kInt64,   // BIGINT or INTEGER / Int64 or Int32 (and ts, a UInt64 of Unix ms)
  kUInt64,  // UBIGINT / UInt64 (tickets of results)
};

struct Column {
  const char* name;
  ColumnType type;
};

struct SyncedTable {
  Feed feed;
  const char* duckdb;               // the DuckDB table
  const char* clickhouse;           // the ClickHouse table (in [clickhouse] database)
  std::span<const Column> columns;  // the key first

  const char* key() const { return columns.front().name; }
  // "a, b, c": the columns, as SQL lists them.
  std::string column_list() const;
  // The DuckDB temp table a batch of rows is staged in: the columns and recorded_at.
  StagedTable staging() const;
};

extern const SyncedTable kResultsTable;  // trade_history / trade_results, key result_id
extern const SyncedTable kEventsTable;   // trade_events / trade_events, key id

// The table of a feed.
const SyncedTable& synced_table(Feed feed);

// The row of a result (a JSON object with exactly kResultsTable's columns).
nlohmann::json result_row(const TradeResult& result);
// The row of an event (exactly kEventsTable's columns; `order` becomes order_ticket).
nlohmann::json event_row(const TradeEvent& event);

// The DuckDB values of `row` in `table`'s column order, recorded_at last. 64-bit
// integers must be JSON numbers (ask ClickHouse with kUnquoted64BitIntegers). A
// missing or mistyped column is kCorruption naming it.
Result<std::vector<DuckParam>> duck_values(const SyncedTable& table, const nlohmann::json& row,
                                           int64_t recorded_at_ms);

// The ClickHouse query setting under which JSON output writes 64-bit integers as
// numbers (by default it quotes them).
inline constexpr const char* kUnquoted64BitIntegers = "output_format_json_quote_64bit_integers";

}  // namespace mtg
