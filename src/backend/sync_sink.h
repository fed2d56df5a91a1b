// Where the ClickHouse sync sends its batches: ClickHouse over HTTP in production, a
// fake in unit tests (so batching, retry and suspension are tested with a ManualClock).
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "util/status.h"

namespace mtg {

class SyncSink {
 public:
  virtual ~SyncSink() = default;
  // Inserts newline-separated JSON rows (the columns of `table`: trade_results or
  // trade_events, backend/synced_table.h) in one request. An error means the rows may or
  // may not be stored: the caller retries, and the tables tolerate duplicates
  // (ReplacingMergeTree by their key, read with FINAL).
  virtual Status insert_rows(const std::string& table, const std::string& rows_ndjson) = 0;
  // Whether the server answers (ClickHouse's /ping); the probe of a suspended sync.
  virtual Status ping() = 0;
};

// The production sink: INSERT INTO <database>.<table> FORMAT JSONEachRow, after
// migrate_clickhouse once (lazily: ClickHouse may be down when the backend starts).
// kInternal when libcurl cannot start; never contacts the server here.
Result<std::unique_ptr<SyncSink>> make_clickhouse_sync_sink(const ClickHouseConfig& config);

}  // namespace mtg
