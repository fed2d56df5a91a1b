#include "store/postgres/pg_migrations.h"

#include <array>
#include <string>

#include "util/check.h"

namespace mtg {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Key of the transaction-scoped advisory lock that serialises migrators ("mtgmigr").
constexpr const char* kMigrationLockKey = "7237162061";

// Append new migrations at the end; never edit one that has shipped.
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE broker_credentials (
  instance TEXT PRIMARY KEY,
  login BIGINT NOT NULL,
  server TEXT NOT NULL,
  password_ciphertext BYTEA NOT NULL,  -- AES-256-GCM: nonce || ciphertext || tag
  key_id TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
)sql"},
};

Status apply(PgClient& pg, const Migration& migration) {
  MTG_CHECK(migration.version > 0);
  MTG_RETURN_IF_ERROR(pg.begin());
  Status status = pg.exec(std::string("SELECT pg_advisory_xact_lock(") + kMigrationLockKey + ")");
  Result<PgRows> applied = PgRows{};
  if (status.is_ok()) {
    applied = pg.query("SELECT 1 FROM schema_migrations WHERE version = $1",
                       {std::to_string(migration.version)});
    status = applied.status();
  }
  if (status.is_ok() && applied->rows.empty()) {
    status = pg.exec(migration.sql);
    if (status.is_ok()) {
      status = pg.query("INSERT INTO schema_migrations(version) VALUES ($1)",
                        {std::to_string(migration.version)})
                   .status();
    }
  }
  if (!status.is_ok()) {
    (void)pg.rollback();  // the original error is the one worth reporting
    return status.with_context("postgres migration " + std::to_string(migration.version));
  }
  return pg.commit();
}

}  // namespace

int postgres_schema_version() { return kMigrations.back().version; }

Status migrate_postgres(PgClient& pg) {
  MTG_RETURN_IF_ERROR(pg.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"));
  int previous = 0;
  for (const Migration& migration : kMigrations) {
    MTG_CHECK_MSG(migration.version > previous, "migrations must be in increasing order");
    MTG_RETURN_IF_ERROR(apply(pg, migration));
    previous = migration.version;
  }
  MTG_CHECK(previous == postgres_schema_version());
  return Status::ok();
}

}  // namespace mtg
