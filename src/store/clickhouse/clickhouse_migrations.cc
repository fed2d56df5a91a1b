#include "store/clickhouse/clickhouse_migrations.h"

#include <array>

#include "util/check.h"

namespace mtg {
namespace {

struct Migration {
  int version;
  const char* sql;  // "{db}" stands for the database name
};

// Append new migrations at the end; never edit one that has shipped. SQL must run on
// ClickHouse 18.16 (no DateTime64, CODEC, TTL) and on current versions.
// trade_results: one row per result; a retried batch inserts the same result_id
// again and ReplacingMergeTree(synced_at) keeps one (read with FINAL).
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE IF NOT EXISTS {db}.trade_results (
  result_id String,
  uuid String,
  instance String,
  symbol String,
  side String,
  status String,
  volume Float64,
  filled_volume Float64,
  avg_price Float64,
  reason String,
  ticket UInt64,
  retcode Int32,
  ts UInt64,
  synced_at UInt64
) ENGINE = ReplacingMergeTree(synced_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000)))
ORDER BY result_id
)sql"},
};

std::string with_database(std::string sql, const std::string& database) {
  MTG_CHECK(ClickHouseClient::is_identifier(database));  // so no "{db}" comes back in
  static const std::string kPlaceholder = "{db}";
  for (size_t at = sql.find(kPlaceholder); at != std::string::npos;
       at = sql.find(kPlaceholder, at + database.size())) {
    sql.replace(at, kPlaceholder.size(), database);
  }
  MTG_CHECK(sql.find(kPlaceholder) == std::string::npos);
  return sql;
}

Status apply(ClickHouseClient& ch, const std::string& database, const Migration& migration) {
  MTG_CHECK(migration.version > 0);
  std::string version = std::to_string(migration.version);
  Result<std::string> count = ch.query("SELECT count() FROM " + database +
                                       ".schema_migrations WHERE version = " + version);
  if (!count.is_ok()) return count.status();
  if (count->rfind("0", 0) != 0) return Status::ok();  // applied already
  MTG_RETURN_IF_ERROR(ch.query(with_database(migration.sql, database)).status());
  return ch.query("INSERT INTO " + database + ".schema_migrations (version, applied_at) VALUES (" +
                  version + ", now())")
      .status();
}

}  // namespace

int clickhouse_schema_version() { return kMigrations.back().version; }

Status migrate_clickhouse(ClickHouseClient& clickhouse, const std::string& database) {
  if (!ClickHouseClient::is_identifier(database)) {
    return Status::invalid("clickhouse: bad database name '" + database + "'");
  }
  MTG_RETURN_IF_ERROR(clickhouse.query("CREATE DATABASE IF NOT EXISTS " + database).status());
  MTG_RETURN_IF_ERROR(clickhouse
                          .query("CREATE TABLE IF NOT EXISTS " + database +
                                 ".schema_migrations (version UInt32, applied_at DateTime) "
                                 "ENGINE = ReplacingMergeTree ORDER BY version")
                          .status());
  int previous = 0;
  for (const Migration& migration : kMigrations) {
    MTG_CHECK_MSG(migration.version > previous, "migrations must be in increasing order");
    Status status = apply(clickhouse, database, migration);
    if (!status.is_ok()) {
      return status.with_context("clickhouse migration " + std::to_string(migration.version));
    }
    previous = migration.version;
  }
  MTG_CHECK(previous == clickhouse_schema_version());
  return Status::ok();
}

}  // namespace mtg
