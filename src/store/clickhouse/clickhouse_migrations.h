// The ClickHouse schema of mtguard (trade_results for analytics) as numbered migrations.
#pragma once

#include <string>

#include "store/clickhouse/clickhouse_client.h"
#include "util/status.h"

namespace mtg {

// Creates `database` if missing and applies every migration not yet recorded in
// <database>.schema_migrations, in version order. Every statement is itself idempotent
// (IF NOT EXISTS), since ClickHouse has no transactions: a run cut short is finished
// by the next one. Running twice changes nothing. `database` is an identifier.
Status migrate_clickhouse(ClickHouseClient& clickhouse, const std::string& database);

// The highest migration version this build knows.
int clickhouse_schema_version();

}  // namespace mtg
