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
  // Inserts newline-separated JSON rows (the columns of mtguard.trade_results) in one
  // request. An error means the rows may or may not be stored: the caller retries, and
  // the table tolerates duplicates (ReplacingMergeTree by result_id, read with FINAL).
  virtual Status insert_rows(const std::string& rows_ndjson) = 0;
  // Whether the server answers (ClickHouse's /ping); the probe of a suspended sync.
  virtual Status ping() = 0;
};

// The production sink: INSERT INTO <database>.trade_results FORMAT JSONEachRow, after
// migrate_clickhouse once (lazily: ClickHouse may be down when the backend starts).
// kInternal when libcurl cannot start; never contacts the server here.
Result<std::unique_ptr<SyncSink>> make_clickhouse_sync_sink(const ClickHouseConfig& config);

}  // namespace mtg
