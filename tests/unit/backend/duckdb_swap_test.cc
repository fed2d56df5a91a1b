// Swapping the live DuckDB file for a restored one, and the snapshot worker that
// produces such files while the live database keeps writing.
#include "backend/duckdb_swap.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

// What the backend's snapshot does while it holds writes: CHECKPOINT, then a copy of
// the file, which opens whole; changes still in the WAL refuse the copy.
TEST(DuckdbFileCopy, ACheckpointedFileCopiesWholeAndAWalRefusesTheCopy) {
  testkit::TempDir dir;
  auto db = open_migrated(dir.file("live.duckdb"));
  insert_history(*db, 0, 20'000);
  EXPECT_EQ(db->copy_checkpointed_file_to(dir.file("snap-1.duckdb")).code(), Code::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(dir.file("snap-1.duckdb")));
  ASSERT_TRUE(db->exec("CHECKPOINT").is_ok());
  ASSERT_TRUE(db->copy_checkpointed_file_to(dir.file("snap-1.duckdb")).is_ok());
  EXPECT_EQ(db->copy_checkpointed_file_to(dir.file("snap-1.duckdb")).code(), Code::kAlreadyExists);
  insert_history(*db, 20'000, 20'100);  // after the copy: not in it
  EXPECT_EQ(history_rows(*open_migrated(dir.file("snap-1.duckdb"))), 20'000);
}

}  // namespace
}  // namespace mtg
