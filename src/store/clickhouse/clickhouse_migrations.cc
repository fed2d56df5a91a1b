#include "store/clickhouse/clickhouse_migrations.h"

#include <array>
#include <set>
#include <span>
#include <sstream>

#include "util/check.h"

namespace mtg {
namespace {

// A column a migration adds to an existing table, with the value its older rows read.
struct AddedColumn {
  const char* name;
  const char* type;  // e.g. "String DEFAULT 'open'"
};

struct Migration {
  int version;
  const char* sql;                      // "{db}" stands for the database name; nullptr: adds columns
  const char* table = nullptr;          // the table `columns` go to
  std::span<const AddedColumn> columns = {};
};

// Results of trade actions (signal contract version 2); rows written before read as an
// `open` action with no deal, position or retcode name.
constexpr AddedColumn kResultsVersion2[] = {{"action", "String DEFAULT 'open'"},
                                            {"deal", "UInt64 DEFAULT 0"},
                                            {"position", "UInt64 DEFAULT 0"},
                                            {"retcode_name", "String DEFAULT ''"}};

// Append new migrations at the end; never edit one that has shipped. SQL must run on
// ClickHouse 18.16 (no DateTime64, CODEC, TTL, ADD COLUMN IF NOT EXISTS) and on current
// versions. trade_results and trade_events: one row per result or event; a retried batch
// inserts the same id again and ReplacingMergeTree(synced_at) keeps one (read with FINAL).
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
    Migration{2, nullptr, "trade_results", kResultsVersion2},
    Migration{3, R"sql(
CREATE TABLE IF NOT EXISTS {db}.trade_events (
  id String,
  instance String,
  kind String,
  symbol String,
  side String,
  volume Float64,
  price Float64,
  order_ticket Int64,
  deal Int64,
  position Int64,
  ref String,
  reason String,
  ts UInt64,
  synced_at UInt64
) ENGINE = ReplacingMergeTree(synced_at)
PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000)))
ORDER BY id
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

// The ALTER that adds those of `migration`'s columns the table lacks, "" when it has
// them all: ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS, and a run cut short
// between the ALTER and its record must be finished by the next one.
Result<std::string> missing_columns_sql(ClickHouseClient& ch, const std::string& database,
                                        const Migration& migration) {
  MTG_CHECK(migration.table != nullptr);
  MTG_CHECK(!migration.columns.empty());
  auto present = ch.query("SELECT name FROM system.columns WHERE database = '" + database + "' AND table = '" +
                          migration.table + "' FORMAT TabSeparated");
  if (!present) return present.status();
  std::istringstream lines(*present);
  std::set<std::string> names;
  for (std::string line; std::getline(lines, line);) names.insert(line);
  if (names.empty()) return Status::not_found(database + "." + migration.table + " does not exist");
  std::string alters;
  for (const AddedColumn& column : migration.columns) {
    if (names.count(column.name) != 0) continue;
    alters += (alters.empty() ? " ADD COLUMN " : ", ADD COLUMN ") + std::string(column.name) + " " + column.type;
  }
  return alters.empty() ? alters : "ALTER TABLE " + database + "." + migration.table + alters;
}

Status apply(ClickHouseClient& ch, const std::string& database, const Migration& migration) {
  MTG_CHECK(migration.version > 0);
  MTG_CHECK((migration.sql == nullptr) == (migration.table != nullptr));
  std::string version = std::to_string(migration.version);
  Result<std::string> count = ch.query("SELECT count() FROM " + database +
                                       ".schema_migrations WHERE version = " + version);
  if (!count.is_ok()) return count.status();
  if (count->rfind("0", 0) != 0) return Status::ok();  // applied already
  auto sql = migration.sql != nullptr ? Result<std::string>(with_database(migration.sql, database))
                                      : missing_columns_sql(ch, database, migration);
  if (!sql) return sql.status();
  if (!sql->empty()) MTG_RETURN_IF_ERROR(ch.query(*sql).status());
  return ch.query("INSERT INTO " + database + ".schema_migrations (version, applied_at) VALUES (" +
                  version + ", now())")
      .status();
}

}  // namespace

int clickhouse_schema_version() { return kMigrations.back().version; }

Status migrate_clickhouse(ClickHouseClient& clickhouse, const std::string& database, int through_version) {
  MTG_CHECK(through_version > 0);
  MTG_CHECK(through_version <= clickhouse_schema_version());
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
    if (migration.version > through_version) break;
    Status status = apply(clickhouse, database, migration);
    if (!status.is_ok()) {
      return status.with_context("clickhouse migration " + std::to_string(migration.version));
    }
    previous = migration.version;
  }
  MTG_CHECK(previous == through_version);
  return Status::ok();
}

}  // namespace mtg
