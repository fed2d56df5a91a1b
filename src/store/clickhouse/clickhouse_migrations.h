// The ClickHouse schema of mtguard (trade_results and trade_events for analytics) as
// numbered migrations.
#pragma once

#include <string>

#include "store/clickhouse/clickhouse_client.h"
#include "util/status.h"

namespace mtg {

// Creates `database` if missing and applies every migration up to `through_version`
// (all of them unless a test asks for an older schema) not yet recorded in
// <database>.schema_migrations, in version order. Every step is itself idempotent
// (IF NOT EXISTS; columns added only when missing), since ClickHouse has no
// transactions: a run cut short is finished by the next one. Running twice changes
// nothing. `database` is an identifier.
Status migrate_clickhouse(ClickHouseClient& clickhouse, const std::string& database, int through_version);

// The highest migration version this build knows.
int clickhouse_schema_version();

// Every migration this build knows.
inline Status migrate_clickhouse(ClickHouseClient& clickhouse, const std::string& database) {
  return migrate_clickhouse(clickhouse, database, clickhouse_schema_version());
}

}  // namespace mtg
