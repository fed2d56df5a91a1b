#include "store/duckdb/duckdb_migrations.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

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

// Found by BackendSystemTest.BackendKilledMidBatchLosesAndDuplicatesNothing: after a
// crash (a WAL left behind), the next open replayed it and its shutdown checkpoint
// wrote DuckDB 1.4.4's secondary index on trade_history(uuid) wrongly, so that
// `WHERE uuid = '…'` found none of the replayed rows (duckdb/duckdb#23788). The
// schema has no secondary index any more; every row is found by each of its columns.
TEST(DuckDbMigrations, RowsReplayedFromTheWalOfACrashAreFoundByUuidAfterTheNextCheckpoint) {
  testkit::TempDir dir;
  const std::string path = dir.file("crashed.duckdb");
  const std::string uuid = "47d0ff5f-37aa-4d03-0c94-da97a02a65e5";
  {
    auto db = DuckDatabase::open(path);
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE(migrate_duckdb(**db).is_ok());
    ASSERT_TRUE((*db)->exec("CHECKPOINT").is_ok());
    ASSERT_TRUE((*db)->exec("PRAGMA disable_checkpoint_on_shutdown").is_ok());  // as if killed
    ASSERT_TRUE((*db)->exec("INSERT INTO trade_history(result_id, uuid, status, ts, recorded_at) VALUES ('" + uuid +
                            ":final', '" + uuid + "', 'filled', 1, 2)")
                    .is_ok());
  }
  ASSERT_TRUE(std::filesystem::exists(path + ".wal"));
  {
    auto replayed = DuckDatabase::open(path);  // replays the WAL, checkpoints when closed
    ASSERT_TRUE(replayed.is_ok());
    ASSERT_TRUE(migrate_duckdb(**replayed).is_ok());
  }
  ASSERT_FALSE(std::filesystem::exists(path + ".wal"));
  auto db = DuckDatabase::open(path);
  ASSERT_TRUE(db.is_ok());
  for (const std::string& column : {std::string("uuid"), std::string("result_id")}) {
    const std::string value = column == "uuid" ? uuid : uuid + ":final";
    auto rows = (*db)->query("SELECT count(*) FROM trade_history WHERE " + column + " = '" + value + "'");
    ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
    EXPECT_EQ(rows->rows.at(0).at(0), "1") << column;
  }
}

// Defensive, after the bug above: a WAL that mixes a schema change with rows is the
// kind DuckDB 1.4.4 has replayed wrongly. A migration that changed the schema is
// checkpointed at once, before any row can follow it into the WAL.
TEST(DuckDbMigrations, AMigrationThatChangedTheSchemaLeavesNoWal) {
  testkit::TempDir dir;
  const std::string path = dir.file("fresh.duckdb");
  auto db = DuckDatabase::open(path);
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE((*db)->exec("PRAGMA disable_checkpoint_on_shutdown").is_ok());
  ASSERT_TRUE(migrate_duckdb(**db).is_ok());
  std::error_code ec;
  EXPECT_EQ(std::filesystem::exists(path + ".wal", ec) ? std::filesystem::file_size(path + ".wal", ec) : 0u, 0u)
      << "the schema change is still in the WAL";
}

}  // namespace
}  // namespace mtg
