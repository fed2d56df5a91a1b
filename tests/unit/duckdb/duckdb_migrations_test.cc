#include "store/duckdb/duckdb_migrations.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

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
  ASSERT_TRUE(d.exec("INSERT INTO sync_outbox(row_id, target, row_json) VALUES ('r1', 'trade_results', '{}'), "
                     "('r2', 'trade_events', '{}')")
                  .is_ok());
  auto seqs = d.query("SELECT seq FROM sync_outbox ORDER BY seq");
  ASSERT_TRUE(seqs.is_ok());
  ASSERT_EQ(seqs->rows.size(), 2u);
  EXPECT_EQ(seqs->rows[0][0], "1");
  EXPECT_EQ(seqs->rows[1][0], "2");
  for (const char* table : {"trade_state", "trade_events", "failed_syncs", "notifications", "sync_state"}) {
    EXPECT_TRUE(d.query(std::string("SELECT * FROM ") + table).is_ok()) << table;
  }
}

// A file written before trade actions (schema version 2: results without action, deal,
// position and retcode_name; an outbox of results only) keeps every row: its results
// read as `open` actions without deal, position or retcode name, its outbox rows are
// rows of trade_results that say so too, and new rows take every column.
TEST(DuckDbMigrations, AFileWithTheFirstResultColumnsMigratesAndKeepsItsRows) {
  testkit::TempDir dir;
  const std::string path = dir.file("v1.duckdb");
  {
    auto db = DuckDatabase::open(path);
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE(migrate_duckdb(**db, 2).is_ok());
    ASSERT_TRUE((*db)->exec("INSERT INTO trade_history VALUES "
                            "('u1:final','u1','demo-1','EURUSD','buy','filled',0.1,0.1,1.1,'',"
                            "18446744073709551000,10009,1700000000000,1700000000001),"
                            "('u2:final','u2','demo-2','GBPUSD','sell','rejected',0.2,0,0,'no money',0,10019,"
                            "1700000000002,1700000000003); "
                            "INSERT INTO sync_outbox(result_id, row_json, created_at) VALUES "
                            "('u2:final', '{\"result_id\":\"u2:final\"}', 1700000000003)")
                    .is_ok());
  }
  auto db = DuckDatabase::open(path);
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE(migrate_duckdb(**db).is_ok());
  auto rows = (*db)->query(
      "SELECT result_id, instance, status, avg_price, ticket, retcode, action, deal, position, retcode_name "
      "FROM trade_history ORDER BY result_id");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows->rows.size(), 2u);
  using Row = std::vector<std::optional<std::string>>;
  EXPECT_EQ(rows->rows[0], (Row{"u1:final", "demo-1", "filled", "1.1", "18446744073709551000", "10009", "open", "0",
                                "0", ""}));
  EXPECT_EQ(rows->rows[1], (Row{"u2:final", "demo-2", "rejected", "0.0", "0", "10019", "open", "0", "0", ""}));
  auto outbox = (*db)->query("SELECT row_id, target, row_json FROM sync_outbox");
  ASSERT_TRUE(outbox.is_ok()) << outbox.status().to_string();
  ASSERT_EQ(outbox->rows.size(), 1u);
  EXPECT_EQ(outbox->rows[0], (Row{"u2:final", "trade_results",
                                  R"({"result_id":"u2:final","action":"open","deal":0,"position":0,)"
                                  R"("retcode_name":""})"}));
  EXPECT_TRUE((*db)->exec("INSERT INTO trade_history(result_id, uuid, status, ts, recorded_at, action, deal, "
                          "position, retcode_name) VALUES ('u3:final', 'u3', 'cancelled', 1, 2, 'cancel', 7, 8, "
                          "'TRADE_RETCODE_DONE')")
                  .is_ok());
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
