// The DuckDB schema of mtguard (trade history, trade events, mirrored order state, sync
// outbox, failed_syncs, notifications, sync_state) as numbered migrations.
#pragma once

#include "store/duckdb/duckdb_database.h"
#include "util/status.h"

namespace mtg {

// Applies every migration up to `through_version` (all of them unless a test asks for
// an older schema) not yet recorded in schema_migrations(version, applied_at), each in
// its own transaction, in version order. Idempotent: a second run changes
// nothing. Must not be called inside begin()/commit(). When it applied any, it
// checkpoints, so that no WAL holds a schema change beside the rows written after it:
// DuckDB 1.4.4 has replayed such a WAL wrongly (duckdb/duckdb#23788, an index).
Status migrate_duckdb(DuckDatabase& db, int through_version);

// The highest migration version this build knows.
int duckdb_schema_version();

// Every migration this build knows.
inline Status migrate_duckdb(DuckDatabase& db) { return migrate_duckdb(db, duckdb_schema_version()); }

}  // namespace mtg
