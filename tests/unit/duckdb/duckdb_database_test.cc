#include "store/duckdb/duckdb_database.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testkit/temp_dir.h"

namespace mtg {
namespace {

std::unique_ptr<DuckDatabase> open_or_die(const std::string& path) {
  auto db = DuckDatabase::open(path);
  EXPECT_TRUE(db.is_ok()) << db.status().to_string();
  return db.is_ok() ? std::move(db).value() : nullptr;
}

int64_t count(DuckDatabase& db, const std::string& sql) {
  auto rows = db.query(sql);
  EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
  if (!rows.is_ok() || rows->rows.empty() || !rows->rows[0][0]) return -1;
  return std::stoll(*rows->rows[0][0]);
}

TEST(DuckDatabase, OpenCreatesTheParentDirectoryAndReportsTheLibraryVersion) {
  testkit::TempDir dir;
  auto db = open_or_die(dir.file("a/b/x.duckdb"));
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(std::filesystem::exists(dir.file("a/b/x.duckdb")));
  EXPECT_EQ(*db->server_version(), "v1.4.4");
  EXPECT_TRUE(db->ping().is_ok());
}

TEST(DuckDatabase, OpenOfAGarbageFileIsCorruption) {
  testkit::TempDir dir;
  std::string path = dir.write("garbage.duckdb", std::string(64 * 1024, 'x'));
  auto db = DuckDatabase::open(path);
  ASSERT_FALSE(db.is_ok());
  EXPECT_EQ(db.status().code(), Code::kCorruption) << db.status().to_string();
  EXPECT_NE(db.status().message().find(path), std::string::npos);
}

TEST(DuckDatabase, QueryReturnsColumnsTextValuesAndNulls) {
  auto db = open_or_die(":memory:");
  auto rows = db->query("SELECT 1 AS a, 'x' AS b, NULL AS c, 1.5::DOUBLE AS d");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  EXPECT_EQ(rows->columns, (std::vector<std::string>{"a", "b", "c", "d"}));
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->at(0, "a"), "1");
  EXPECT_EQ(rows->at(0, "b"), "x");
  EXPECT_FALSE(rows->at(0, "c").has_value());
  EXPECT_EQ(rows->at(0, "d"), "1.5");
}

TEST(DuckDatabase, StatementErrorsKeepDuckDbsMessage) {
  auto db = open_or_die(":memory:");
  Status status = db->exec("SELEC 1");
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_NE(status.message().find("Parser Error"), std::string::npos) << status.message();
}

TEST(DuckDatabase, BoundParametersRoundTripEveryType) {
  auto db = open_or_die(":memory:");
  ASSERT_TRUE(db->exec("CREATE TABLE t(i BIGINT, d DOUBLE, s VARCHAR, n VARCHAR)").is_ok());
  ASSERT_TRUE(db->exec_params("INSERT INTO t VALUES (?, ?, ?, ?)",
                              {int64_t{42}, 0.25, std::string("it's"), nullptr})
                  .is_ok());
  auto rows = db->query_params("SELECT * FROM t WHERE s = ?", {std::string("it's")});
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->at(0, "i"), "42");
  EXPECT_EQ(rows->at(0, "d"), "0.25");
  EXPECT_FALSE(rows->at(0, "n").has_value());
  EXPECT_EQ(db->exec_params("SELECT ?", {}).code(), Code::kInvalidArgument);
}

TEST(DuckDatabase, ExecParamsChangedCountsRowsSkippedByOnConflict) {
  auto db = open_or_die(":memory:");
  ASSERT_TRUE(db->exec("CREATE TABLE t(k VARCHAR PRIMARY KEY)").is_ok());
  const std::string insert = "INSERT INTO t VALUES (?) ON CONFLICT DO NOTHING";
  EXPECT_EQ(*db->exec_params_changed(insert, {std::string("a")}), 1);
  EXPECT_EQ(*db->exec_params_changed(insert, {std::string("a")}), 0);
}

TEST(DuckDatabase, RollbackDiscardsAndCommitKeeps) {
  auto db = open_or_die(":memory:");
  ASSERT_TRUE(db->exec("CREATE TABLE t(k INTEGER)").is_ok());
  ASSERT_TRUE(db->begin().is_ok());
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)").is_ok());
  ASSERT_TRUE(db->rollback().is_ok());
  EXPECT_EQ(count(*db, "SELECT count(*) FROM t"), 0);
  ASSERT_TRUE(db->begin().is_ok());
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)").is_ok());
  ASSERT_TRUE(db->commit().is_ok());
  EXPECT_EQ(count(*db, "SELECT count(*) FROM t"), 1);
}

TEST(DuckDatabase, AnotherConnectionSeesCommittedRows) {
  testkit::TempDir dir;
  auto db = open_or_die(dir.file("x.duckdb"));
  ASSERT_TRUE(db->exec("CREATE TABLE t(k INTEGER); INSERT INTO t VALUES (1), (2)").is_ok());
  auto other = db->another_connection();
  ASSERT_TRUE(other.is_ok());
  db.reset();  // the database stays open while a connection lives
  EXPECT_EQ(count(**other, "SELECT count(*) FROM t"), 2);
}

TEST(DuckAppender, AppendsRowsAndReportsADuplicateKeyOnFlush) {
  auto db = open_or_die(":memory:");
  ASSERT_TRUE(db->exec("CREATE TABLE t(k VARCHAR PRIMARY KEY, v BIGINT, d DOUBLE)").is_ok());
  {
    auto appender = db->appender("t");
    ASSERT_TRUE(appender.is_ok()) << appender.status().to_string();
    for (int64_t i = 0; i < 100; ++i) {
      ASSERT_TRUE((*appender)->append_row({"k" + std::to_string(i), i, nullptr}).is_ok());
    }
    ASSERT_TRUE((*appender)->flush().is_ok());
  }
  EXPECT_EQ(count(*db, "SELECT count(*) FROM t"), 100);
  auto appender = db->appender("t");
  ASSERT_TRUE(appender.is_ok());
  ASSERT_TRUE((*appender)->append_row({std::string("k1"), int64_t{1}, 1.0}).is_ok());
  EXPECT_FALSE((*appender)->flush().is_ok());
  EXPECT_EQ(db->appender("missing").status().code(), Code::kInvalidArgument);
}

TEST(DuckDatabase, SnapshotIsACompleteOpenableCopy) {
  testkit::TempDir dir;
  auto db = open_or_die(dir.file("live.duckdb"));
  ASSERT_TRUE(db->exec("CREATE TABLE t AS SELECT range AS k FROM range(1000)").is_ok());
  ASSERT_TRUE(db->snapshot_to(dir.file("snaps/one.duckdb")).is_ok());
  EXPECT_EQ(db->snapshot_to(dir.file("snaps/one.duckdb")).code(), Code::kAlreadyExists);
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1000)").is_ok());  // live db still writable
  auto snap = open_or_die(dir.file("snaps/one.duckdb"));
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(count(*snap, "SELECT count(*) FROM t"), 1000);
}

// A process that does not own the file (backups, `mtguard status`) must never create
// it: a backend that lost its file restores it only when it finds it missing.
TEST(DuckDatabase, OpenReadOnlyOfAMissingFileIsNotFoundAndCreatesNothing) {
  testkit::TempDir dir;
  auto db = DuckDatabase::open_read_only(dir.file("data/live.duckdb"));
  ASSERT_FALSE(db.is_ok());
  EXPECT_EQ(db.status().code(), Code::kNotFound) << db.status().to_string();
  EXPECT_FALSE(std::filesystem::exists(dir.file("data/live.duckdb")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("data")));
}

TEST(DuckDatabase, OpenReadOnlySnapshotsAFileWithItsWalAndLeavesBothAsTheyAre) {
  testkit::TempDir dir;
  const std::string live = dir.file("live.duckdb");
  {
    auto db = open_or_die(live);
    ASSERT_TRUE(db->exec("CREATE TABLE t AS SELECT range AS k FROM range(1000)").is_ok());
    ASSERT_TRUE(db->exec("CHECKPOINT").is_ok());
    ASSERT_TRUE(db->exec("PRAGMA disable_checkpoint_on_shutdown").is_ok());
    ASSERT_TRUE(db->exec("INSERT INTO t SELECT range FROM range(500)").is_ok());  // in the WAL only
  }
  ASSERT_TRUE(std::filesystem::exists(live + ".wal"));
  const auto wal_bytes = std::filesystem::file_size(live + ".wal");
  {
    auto db = DuckDatabase::open_read_only(live);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    EXPECT_EQ(count(**db, "SELECT count(*) FROM t"), 1500);
    EXPECT_FALSE((*db)->exec("INSERT INTO t VALUES (1)").is_ok());
    ASSERT_TRUE((*db)->snapshot_to(dir.file("snap.duckdb")).is_ok());
  }
  EXPECT_EQ(std::filesystem::file_size(live + ".wal"), wal_bytes);
  auto snap = open_or_die(dir.file("snap.duckdb"));
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(count(*snap, "SELECT count(*) FROM t"), 1500);
}

}  // namespace
}  // namespace mtg
