#include "store/duckdb/duckdb_migrations.h"

#include <gtest/gtest.h>

#include "testkit/temp_dir.h"

namespace mtg {
namespace {

TEST(DuckDbMigrations, RunTwiceAppliesEachMigrationOnce) {
  testkit::TempDir dir;
  auto db = DuckDatabase::open(dir.file("m.duckdb"));
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE(migrate_duckdb(**db).is_ok());
  ASSERT_TRUE((*db)->exec("INSERT INTO sync_state VALUES ('k', 'v')").is_ok());
  Status again = migrate_duckdb(**db);
  ASSERT_TRUE(again.is_ok()) << again.to_string();
  auto versions = (*db)->query("SELECT count(*), max(version) FROM schema_migrations");
  ASSERT_TRUE(versions.is_ok());
  EXPECT_EQ(versions->rows[0][0], std::to_string(duckdb_schema_version()));
  EXPECT_EQ(versions->rows[0][1], std::to_string(duckdb_schema_version()));
  auto kept = (*db)->query("SELECT value FROM sync_state WHERE key = 'k'");
  ASSERT_TRUE(kept.is_ok());
  EXPECT_EQ(kept->rows.size(), 1u);
}

TEST(DuckDbMigrations, SchemaHoldsTradeHistoryAndOutboxSequences) {
  auto db = DuckDatabase::open(":memory:");
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE(migrate_duckdb(**db).is_ok());
  DuckDatabase& d = **db;
  ASSERT_TRUE(d.exec_params("INSERT INTO trade_history(result_id, uuid, status, ticket, ts, "
                            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                            {std::string("r1"), std::string("u1"), std::string("filled"),
                             int64_t{123}, int64_t{1}, int64_t{2}})
                  .is_ok());
  EXPECT_EQ(d.exec("INSERT INTO trade_history(result_id, uuid, status, ts, recorded_at) "
                   "VALUES ('r1', 'u1', 'filled', 1, 2)")
                .code(),
            Code::kInvalidArgument);
  ASSERT_TRUE(d.exec("INSERT INTO sync_outbox(result_id, row_json) VALUES ('r1', '{}'), "
                     "('r2', '{}')")
                  .is_ok());
  auto seqs = d.query("SELECT seq FROM sync_outbox ORDER BY seq");
  ASSERT_TRUE(seqs.is_ok());
  ASSERT_EQ(seqs->rows.size(), 2u);
  EXPECT_EQ(seqs->rows[0][0], "1");
  EXPECT_EQ(seqs->rows[1][0], "2");
  for (const char* table : {"trade_state", "failed_syncs", "notifications", "sync_state"}) {
    EXPECT_TRUE(d.query(std::string("SELECT * FROM ") + table).is_ok()) << table;
  }
}

}  // namespace
}  // namespace mtg
