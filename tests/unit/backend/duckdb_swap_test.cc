// Swapping the live DuckDB file for a restored one, and the snapshot worker that
// produces such files while the live database keeps writing.
#include "backend/duckdb_swap.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "backend/snapshot_worker.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/duckdb_migrations.h"
#include "testkit/temp_dir.h"

namespace mtg {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<DuckDatabase> open_migrated(const std::string& path) {
  auto db = DuckDatabase::open(path);
  EXPECT_TRUE(db.is_ok()) << db.status().to_string();
  if (!db) return nullptr;
  EXPECT_TRUE(migrate_duckdb(**db).is_ok());
  return std::move(*db);
}

int64_t history_rows(DuckDatabase& db) {
  auto rows = db.query("SELECT count(*) FROM trade_history");
  return rows ? std::stoll(rows->rows.at(0).at(0).value_or("-1")) : -1;
}

void insert_history(DuckDatabase& db, int from, int to) {
  ASSERT_TRUE(db.exec("INSERT INTO trade_history(result_id, uuid, status, ts, recorded_at) SELECT 'r' || range, "
                      "'u' || range, 'filled', 1, 1 FROM range(" + std::to_string(from) + ", " + std::to_string(to) + ")")
                  .is_ok());
}

TEST(DuckdbSwap, CandidateMustOpenAsADatabase) {
  testkit::TempDir dir;
  std::ofstream(dir.file("junk.duckdb")) << "this is not a database";
  EXPECT_FALSE(check_duckdb_candidate(dir.file("junk.duckdb")).is_ok());
  EXPECT_EQ(check_duckdb_candidate(dir.file("missing.duckdb")).code(), Code::kNotFound);
  { auto db = open_migrated(dir.file("good.duckdb")); }
  EXPECT_TRUE(check_duckdb_candidate(dir.file("good.duckdb")).is_ok());
}

TEST(DuckdbSwap, LiveFileMovesAsideAndTheRestoredOneTakesItsPlace) {
  testkit::TempDir dir;
  const std::string live = dir.file("live.duckdb");
  {
    auto db = open_migrated(live);
    insert_history(*db, 0, 5);
    auto restored = open_migrated(dir.file("restored.duckdb"));
    insert_history(*restored, 0, 2);
  }
  auto aside = swap_duckdb_file(live, dir.file("restored.duckdb"), 42);
  ASSERT_TRUE(aside.is_ok()) << aside.status().to_string();
  EXPECT_EQ(*aside, live + ".before-restore-42");
  EXPECT_FALSE(fs::exists(dir.file("restored.duckdb")));
  EXPECT_EQ(history_rows(*open_migrated(live)), 2);
  EXPECT_EQ(history_rows(*open_migrated(*aside)), 5);  // never deleted

  ASSERT_TRUE(undo_duckdb_swap(live, *aside, 43).is_ok());
  EXPECT_EQ(history_rows(*open_migrated(live)), 5);
  EXPECT_TRUE(fs::exists(live + ".failed-restore-43"));
}

TEST(DuckdbSwap, MissingSourceLeavesTheLiveFileInPlace) {
  testkit::TempDir dir;
  const std::string live = dir.file("live.duckdb");
  { auto db = open_migrated(live); insert_history(*db, 0, 3); }
  EXPECT_FALSE(swap_duckdb_file(live, dir.file("nope.duckdb"), 7).is_ok());
  EXPECT_EQ(history_rows(*open_migrated(live)), 3);
  EXPECT_FALSE(fs::exists(live + ".before-restore-7"));
}

TEST(SnapshotWorker, OneSnapshotAtATimeWhileTheLiveDatabaseKeepsWriting) {
  testkit::TempDir dir;
  auto db = open_migrated(dir.file("live.duckdb"));
  insert_history(*db, 0, 20'000);
  SnapshotWorker worker;
  ASSERT_TRUE(worker.start(*db, "aa", dir.file("snap-1.duckdb")).is_ok());
  EXPECT_EQ(worker.start(*db, "bb", dir.file("snap-2.duckdb")).code(), Code::kFailedPrecondition);
  insert_history(*db, 20'000, 20'100);  // the live connection is not blocked
  auto done = worker.wait();
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->request_id, "aa");
  ASSERT_TRUE(done->bytes.is_ok()) << done->bytes.status().to_string();
  EXPECT_GT(*done->bytes, 0);
  EXPECT_FALSE(worker.busy());
  EXPECT_FALSE(worker.poll().has_value());
  const int64_t rows = history_rows(*open_migrated(dir.file("snap-1.duckdb")));
  EXPECT_TRUE(rows == 20'000 || rows == 20'100) << rows;  // a consistent prefix

  ASSERT_TRUE(worker.start(*db, "cc", dir.file("snap-1.duckdb")).is_ok());  // exists already
  auto failed = worker.wait();
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->bytes.status().code(), Code::kAlreadyExists);
}

}  // namespace
}  // namespace mtg
