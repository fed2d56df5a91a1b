#include "store/duckdb/duckdb_migrations.h"

#include <array>
#include <string>

#include "util/check.h"

namespace mtg {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append new migrations at the end; never edit one that has shipped.
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE trade_history (
  result_id VARCHAR PRIMARY KEY,
  uuid VARCHAR NOT NULL,
  instance VARCHAR,
  symbol VARCHAR,
  side VARCHAR,
  status VARCHAR NOT NULL,
  volume DOUBLE,
  filled_volume DOUBLE,
  avg_price DOUBLE,
  reason VARCHAR,
  ticket UBIGINT,
  retcode INTEGER,
  ts BIGINT NOT NULL,          -- unix ms
  recorded_at BIGINT NOT NULL  -- unix ms
);
CREATE INDEX trade_history_uuid ON trade_history(uuid);
CREATE TABLE trade_state (
  uuid VARCHAR PRIMARY KEY,
  instance VARCHAR,
  symbol VARCHAR,
  side VARCHAR,
  volume DOUBLE,
  filled_volume DOUBLE,
  state VARCHAR,
  leg INTEGER,
  stream_id VARCHAR,
  created_at BIGINT,
  ttl_ms BIGINT,
  updated_at BIGINT,
  signal_json VARCHAR
);
CREATE SEQUENCE sync_outbox_seq START 1;
CREATE TABLE sync_outbox (
  seq BIGINT PRIMARY KEY DEFAULT nextval('sync_outbox_seq'),
  result_id VARCHAR NOT NULL,
  row_json VARCHAR NOT NULL,
  created_at BIGINT
);
CREATE SEQUENCE failed_syncs_seq START 1;
CREATE TABLE failed_syncs (
  id BIGINT PRIMARY KEY DEFAULT nextval('failed_syncs_seq'),
  first_seq BIGINT,
  last_seq BIGINT,
  rows INTEGER,
  attempts INTEGER,
  last_error VARCHAR,
  first_failed_at BIGINT,
  last_attempt_at BIGINT,
  resolved_at BIGINT
);
CREATE SEQUENCE notifications_seq START 1;
CREATE TABLE notifications (
  id BIGINT PRIMARY KEY DEFAULT nextval('notifications_seq'),
  ts BIGINT,
  severity VARCHAR,
  instance VARCHAR,
  kind VARCHAR,
  message VARCHAR
);
CREATE TABLE sync_state (
  key VARCHAR PRIMARY KEY,
  value VARCHAR
);
)sql"},
    // DuckDB 1.4.4 serializes a secondary ART index wrongly when the WAL it replayed
    // after a crash is checkpointed before the index was bound (duckdb/duckdb#23788):
    // `WHERE uuid = '…'` then finds none of the replayed rows, silently. Found by
    // BackendSystemTest.BackendKilledMidBatchLosesAndDuplicatesNothing. No query of ours
    // looks rows up by uuid (scans and joins do not use the index), so it goes; the
    // primary keys, which ON CONFLICT relies on, are not affected.
    Migration{2, R"sql(
DROP INDEX IF EXISTS trade_history_uuid;
)sql"},
    // Results of trade actions (signal contract version 2). Rows written before read as an
    // `open` action with no deal, position or retcode name; so do the rows still waiting
    // in the outbox (every one a result of the first columns, its JSON ending in '}'),
    // since ClickHouse 18.16 gives a column a JSONEachRow row omits its type's default,
    // not the column's DEFAULT.
    Migration{3, R"sql(
ALTER TABLE trade_history ADD COLUMN action VARCHAR DEFAULT 'open';
ALTER TABLE trade_history ADD COLUMN deal UBIGINT DEFAULT 0;
ALTER TABLE trade_history ADD COLUMN position UBIGINT DEFAULT 0;
ALTER TABLE trade_history ADD COLUMN retcode_name VARCHAR DEFAULT '';
UPDATE sync_outbox SET row_json = substr(row_json, 1, length(row_json) - 1) ||
  ',"action":"open","deal":0,"position":0,"retcode_name":""}';
)sql"},
    // Trade events, recorded once by id, and an outbox that feeds more than one
    // ClickHouse table: each row names its table (rows written before are results).
    Migration{4, R"sql(
CREATE TABLE trade_events (
  id VARCHAR PRIMARY KEY,
  instance VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  symbol VARCHAR,
  side VARCHAR,
  volume DOUBLE,
  price DOUBLE,
  order_ticket BIGINT,
  deal BIGINT,
  position BIGINT,
  ref VARCHAR,
  reason VARCHAR,
  ts BIGINT NOT NULL,          -- unix ms, at the broker
  recorded_at BIGINT NOT NULL  -- unix ms
);
ALTER TABLE sync_outbox RENAME COLUMN result_id TO row_id;
ALTER TABLE sync_outbox ADD COLUMN target VARCHAR DEFAULT 'trade_results';
)sql"},
};

Result<bool> is_applied(DuckDatabase& db, int version) {
  Result<QueryRows> rows =
      db.query_params("SELECT count(*) FROM schema_migrations WHERE version = ?",
                      {static_cast<int64_t>(version)});
  if (!rows.is_ok()) return rows.status();
  MTG_CHECK(rows->rows.size() == 1);
  MTG_CHECK(rows->rows[0][0].has_value());
  return *rows->rows[0][0] != "0";
}

// Applies `migration` unless it was; returns whether it did.
Result<bool> apply(DuckDatabase& db, const Migration& migration) {
  MTG_CHECK(migration.version > 0);
  MTG_RETURN_IF_ERROR(db.begin());
  Result<bool> applied = is_applied(db, migration.version);
  Status status = applied.status();
  if (status.is_ok() && !*applied) {
    status = db.exec(migration.sql);
    if (status.is_ok()) {
      status = db.exec_params(
          "INSERT INTO schema_migrations(version, applied_at) VALUES (?, epoch_ms(now()))",
          {static_cast<int64_t>(migration.version)});
    }
  }
  if (!status.is_ok()) {
    (void)db.rollback();  // the original error is the one worth reporting
    return status.with_context("duckdb migration " + std::to_string(migration.version));
  }
  MTG_RETURN_IF_ERROR(db.commit());
  return !*applied;
}

}  // namespace

int duckdb_schema_version() { return kMigrations.back().version; }

Status migrate_duckdb(DuckDatabase& db, int through_version) {
  MTG_CHECK(through_version > 0);
  MTG_CHECK(through_version <= duckdb_schema_version());
  MTG_RETURN_IF_ERROR(db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"));
  int previous = 0;
  bool changed = false;
  for (const Migration& migration : kMigrations) {
    MTG_CHECK_MSG(migration.version > previous, "migrations must be in increasing order");
    if (migration.version > through_version) break;
    auto applied = apply(db, migration);
    if (!applied) return applied.status();
    changed = changed || *applied;
    previous = migration.version;
  }
  MTG_CHECK(previous == through_version);
  return changed ? db.exec("CHECKPOINT") : Status::ok();
}

}  // namespace mtg
