#include "backend/duckdb_recovery.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testkit/temp_dir.h"

namespace mtg {
namespace {

Config config_at(const std::string& path) {
  Config c;
  c.duckdb.path = path;
  return c;
}

TEST(DuckDbRecovery, CorruptFileIsMovedAsideAndAFreshDatabaseOpens) {
  testkit::TempDir dir;
  const std::string path = dir.write("mtguard.duckdb", std::string(8192, 'x'));
  ManualClock clock;
  int restorer_calls = 0;
  SnapshotRestorer restorer = [&](const std::string&) -> Result<bool> {
    ++restorer_calls;
    return false;  // no snapshot: the backups module is not there
  };
  auto out = open_backend_duckdb(config_at(path), restorer, clock);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_TRUE(out->was_missing);
  EXPECT_EQ(out->moved_aside, path + ".corrupt-" + std::to_string(clock.now_ms()));
  EXPECT_TRUE(std::filesystem::exists(out->moved_aside));
  EXPECT_EQ(restorer_calls, 1);
  auto rows = out->db->query("SELECT count(*) FROM trade_history");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
}

TEST(DuckDbRecovery, PresentFileIsOpenedAsItIs) {
  testkit::TempDir dir;
  const std::string path = dir.file("mtguard.duckdb");
  ManualClock clock;
  {
    auto first = open_backend_duckdb(config_at(path), {}, clock);
    ASSERT_TRUE(first.is_ok());
    EXPECT_TRUE(first->was_missing);
    ASSERT_TRUE(first->db->exec("INSERT INTO sync_state VALUES ('suspended', '1')").is_ok());
  }
  int restorer_calls = 0;
  auto again = open_backend_duckdb(config_at(path),
                                   [&](const std::string&) -> Result<bool> { return ++restorer_calls > 0; }, clock);
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again->was_missing);
  EXPECT_TRUE(again->moved_aside.empty());
  EXPECT_EQ(restorer_calls, 0);
  auto rows = again->db->query("SELECT value FROM sync_state WHERE key = 'suspended'");
  ASSERT_TRUE(rows.is_ok());
  EXPECT_EQ(rows->rows.at(0).at(0).value_or(""), "1");
}

// Found by the chaos campaign (corrupt-snapshot faults): a backend killed after it
// restored a snapshot and before its refill finished found the file present on its next
// start and never refilled. The mark now lives in the file until the refill cleared it.
TEST(DuckDbRecovery, AMissingFileStaysRefillPendingUntilTheMarkIsCleared) {
  testkit::TempDir dir;
  const std::string path = dir.file("mtguard.duckdb");
  ManualClock clock;
  {
    auto restored = open_backend_duckdb(config_at(path), {}, clock);
    ASSERT_TRUE(restored.is_ok()) << restored.status().to_string();
    EXPECT_TRUE(restored->refill_pending);
  }  // killed before the refill
  {
    auto again = open_backend_duckdb(config_at(path), {}, clock);
    ASSERT_TRUE(again.is_ok());
    EXPECT_FALSE(again->was_missing);
    EXPECT_TRUE(again->refill_pending);
    ASSERT_TRUE(clear_refill_pending(*again->db).is_ok());  // the refill succeeded
  }
  auto settled = open_backend_duckdb(config_at(path), {}, clock);
  ASSERT_TRUE(settled.is_ok());
  EXPECT_FALSE(settled->refill_pending);
}

}  // namespace
}  // namespace mtg
