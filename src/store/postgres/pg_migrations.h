// The PostgreSQL schema of mtguard (encrypted broker credentials) as numbered migrations.
#pragma once

#include "store/postgres/pg_client.h"
#include "util/status.h"

namespace mtg {

// Applies every migration not yet recorded in schema_migrations(version, applied_at),
// each in its own transaction under an advisory lock (concurrent callers serialise),
// in version order. Idempotent: a second run changes nothing.
Status migrate_postgres(PgClient& pg);

// The highest migration version this build knows.
int postgres_schema_version();

}  // namespace mtg
