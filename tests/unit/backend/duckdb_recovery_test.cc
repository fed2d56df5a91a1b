#include "backend/duckdb_recovery.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include "backend/history_writer.h"
#include "store/duckdb/duckdb_migrations.h"
#include "store/duckdb/refill_mark.h"
#include "testkit/temp_dir.h"

namespace mtg {
namespace {

TradeResult filled_result(const std::string& uuid) {
  TradeResult r;
  r.result_id = final_result_id(uuid);
  r.uuid = uuid;
  r.instance = "demo-1";
  r.symbol = "EURUSD";
  r.side = "buy";
  r.status = ResultStatus::kFilled;
  r.volume = r.filled_volume = 0.1;
  return r;
}

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

// Found by the ninth 1,000-fault campaign (seed 1124): a backend killed while it
// decompressed a snapshot into the missing file's place left part of a file there. Every
// later start opened it and died on "Could not read enough bytes" (5 exits) until a
// fault deleted it. And a start killed between the restore and the refill mark would
// have left a whole file that never refilled what it lacked. The file is now built
// beside its place, marked there, and renamed in.
TEST(DuckDbRecovery, ARestoreKilledHalfwayLeavesNoFileInPlaceAndTheNextStartRestoresAgain) {
  testkit::TempDir dir;
  const std::string path = dir.file("mtguard.duckdb");
  ManualClock clock;
  SnapshotRestorer killed_halfway = [](const std::string& dest) -> Result<bool> {
    std::ofstream(dest) << std::string(300'000, 'D');  // part of the snapshot, then the kill
    return Status::io("killed while decompressing");
  };
  auto first = open_backend_duckdb(config_at(path), killed_halfway, clock);
  EXPECT_FALSE(first.is_ok());
  EXPECT_FALSE(std::filesystem::exists(path)) << "part of a snapshot went live";

  SnapshotRestorer whole = [](const std::string& dest) -> Result<bool> {
    auto db = DuckDatabase::open(dest);
    if (!db) return db.status();
    MTG_RETURN_IF_ERROR(migrate_duckdb(**db));
    HistoryWriter writer(**db, SystemClock::instance());
    auto written = writer.write({filled_result("5f0c6f0e-3c1e-4a43-9d7b-4f0bd6e8a001")}, "");
    if (!written) return written.status();
    return true;
  };
  auto second = open_backend_duckdb(config_at(path), whole, clock);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_TRUE(second->was_missing);
  EXPECT_TRUE(second->snapshot_restored);
  EXPECT_TRUE(second->refill_pending);
  auto rows = second->db->query("SELECT count(*) FROM trade_history");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  EXPECT_EQ(rows->rows.at(0).at(0), "1");
  EXPECT_FALSE(std::filesystem::exists(path + ".restoring"));
}

// A snapshot the previous version took (results of the first columns, no trade_events)
// is migrated and marked where it is restored: its rows stay, its RTRS replay starts
// after the last entry it ingested, and the events stream, which it never read, is
// replayed from its start.
TEST(DuckDbRecovery, ASnapshotOfThePreviousSchemaIsMigratedAndRefilledWholeForEvents) {
  testkit::TempDir dir;
  const std::string path = dir.file("mtguard.duckdb");
  ManualClock clock;
  SnapshotRestorer previous_version = [](const std::string& dest) -> Result<bool> {
    auto db = DuckDatabase::open(dest);
    if (!db) return db.status();
    MTG_RETURN_IF_ERROR(migrate_duckdb(**db, 2));
    MTG_RETURN_IF_ERROR((*db)->exec(
        "INSERT INTO trade_history(result_id, uuid, status, ts, recorded_at) VALUES ('u1:final', 'u1', 'filled', 1, "
        "1800000000000); INSERT INTO sync_state VALUES ('rtrs_recorded_through', '1795537131566-4')"));
    return true;
  };
  auto restored = open_backend_duckdb(config_at(path), previous_version, clock);
  ASSERT_TRUE(restored.is_ok()) << restored.status().to_string();
  EXPECT_TRUE(restored->snapshot_restored);
  EXPECT_TRUE(restored->refill_pending);
  auto rows = restored->db->query("SELECT action, (SELECT count(*) FROM trade_events) FROM trade_history");
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0], (std::vector<std::optional<std::string>>{"open", "0"}));
  auto progress = refill_progress(*restored->db);
  ASSERT_TRUE(progress.is_ok()) << progress.status().to_string();
  EXPECT_EQ(progress->results.replayed_through, "1795537131566-4");
  EXPECT_EQ(progress->events.replayed_through, "0");
  EXPECT_EQ(pending_refill_since(*restored->db)->value_or(-1), 1'800'000'000'000 - kFillClockMarginMs);
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

TEST(DuckDbRecovery, TheGapStartsAtTheNewestRowLessTheMarginAndAnEarlierMarkIsKept) {
  testkit::TempDir dir;
  const std::string path = dir.file("mtguard.duckdb");
  ManualClock clock;
  auto opened = open_backend_duckdb(config_at(path), {}, clock);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  DuckDatabase& db = *opened->db;
  auto empty = pending_refill_since(db);
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty->value_or(-1), 0);  // nothing restored: the whole history
  ASSERT_TRUE(clear_refill_pending(db).is_ok());
  constexpr int64_t kNewestMs = 1'800'000'000'000;
  ASSERT_TRUE(db.exec("INSERT INTO trade_history(result_id, uuid, status, ts, recorded_at) VALUES "
                      "('r1','u1','filled',1,1700000000000),('r2','u2','filled',2," +
                      std::to_string(kNewestMs) + ")")
                  .is_ok());
  ASSERT_TRUE(mark_refill_pending(db).is_ok());
  EXPECT_EQ(pending_refill_since(db)->value_or(-1), kNewestMs - kFillClockMarginMs);
  ASSERT_TRUE(db.exec("UPDATE trade_history SET recorded_at = recorded_at + 1000000").is_ok());  // a partial fill
  ASSERT_TRUE(mark_refill_pending(db).is_ok());
  EXPECT_EQ(pending_refill_since(db)->value_or(-1), kNewestMs - kFillClockMarginMs);
}

// An event recorded after the newest result is newer than the file's results: a file
// restored from that snapshot lacks only what came after the event.
TEST(DuckDbRecovery, TheGapStartsAtTheNewestResultOrEvent) {
  testkit::TempDir dir;
  ManualClock clock;
  auto opened = open_backend_duckdb(config_at(dir.file("mtguard.duckdb")), {}, clock);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  DuckDatabase& db = *opened->db;
  ASSERT_TRUE(clear_refill_pending(db).is_ok());
  constexpr int64_t kResultMs = 1'800'000'000'000;
  constexpr int64_t kEventMs = kResultMs + 5'000;
  ASSERT_TRUE(db.exec("INSERT INTO trade_history(result_id, uuid, status, ts, recorded_at) VALUES ('r1','u1','filled',1," +
                      std::to_string(kResultMs) + "); INSERT INTO trade_events(id, instance, kind, ts, recorded_at) "
                      "VALUES ('demo-1:deal:1', 'demo-1', 'sl', 1, " + std::to_string(kEventMs) + ")")
                  .is_ok());
  ASSERT_TRUE(mark_refill_pending(db).is_ok());
  EXPECT_EQ(pending_refill_since(db)->value_or(-1), kEventMs - kFillClockMarginMs);
}

}  // namespace
// Found by the 1,000-fault chaos campaign (seed 1124): the RTRS replay of a refill
// started again at id 0 each time a Redis fault cut it off, while RTRS grew (nothing is
// trimmed while the backend replays), so it never finished. Its progress now lives in
// the file beside the mark, survives a kill, and goes with the mark.
TEST(DuckDbRecovery, AnRtrsReplayCutOffResumesWhereItStopped) {
  testkit::TempDir dir;
  const std::string path = dir.file("mtguard.duckdb");
  ManualClock clock;
  {
    auto restored = open_backend_duckdb(config_at(path), {}, clock);
    ASSERT_TRUE(restored.is_ok()) << restored.status().to_string();
    auto fresh = refill_progress(*restored->db);
    ASSERT_TRUE(fresh.is_ok());
    EXPECT_FALSE(fresh->results.clickhouse_filled);
    EXPECT_EQ(fresh->results.clickhouse_filled_through, "");
    EXPECT_EQ(fresh->results.replayed_through, "0");
    ASSERT_TRUE(record_clickhouse_filled_through(*restored->db, Feed::kResults, "u0412-final").is_ok());
    auto filling = refill_progress(*restored->db);
    ASSERT_TRUE(filling.is_ok());
    EXPECT_FALSE(filling->results.clickhouse_filled);  // the gap fill goes in steps too
    EXPECT_EQ(filling->results.clickhouse_filled_through, "u0412-final");
    ASSERT_TRUE(record_clickhouse_filled(*restored->db, Feed::kResults).is_ok());
    ASSERT_TRUE(record_replayed_through(*restored->db, Feed::kResults, "1795537131565-0").is_ok());
    ASSERT_TRUE(record_replayed_through(*restored->db, Feed::kResults, "1795537789764-3").is_ok());
    ASSERT_TRUE(record_replay_until(*restored->db, Feed::kResults, "1795537800000-1").is_ok());
    ASSERT_TRUE(record_clickhouse_filled_through(*restored->db, Feed::kEvents, "demo-1:deal:7").is_ok());
    ASSERT_TRUE(record_replayed_through(*restored->db, Feed::kEvents, "1795537700000-0").is_ok());
  }  // killed: Redis went away mid-replay
  {
    auto again = open_backend_duckdb(config_at(path), {}, clock);
    ASSERT_TRUE(again.is_ok());
    EXPECT_TRUE(again->refill_pending);
    auto resumed = refill_progress(*again->db);
    ASSERT_TRUE(resumed.is_ok());
    EXPECT_TRUE(resumed->results.clickhouse_filled);
    EXPECT_EQ(resumed->results.clickhouse_filled_through, "u0412-final");
    EXPECT_EQ(resumed->results.replayed_through, "1795537789764-3");
    EXPECT_EQ(resumed->results.replay_until, "1795537800000-1");  // later entries the loop recorded
    EXPECT_FALSE(resumed->events.clickhouse_filled);  // each feed has its own progress
    EXPECT_EQ(resumed->events.clickhouse_filled_through, "demo-1:deal:7");
    EXPECT_EQ(resumed->events.replayed_through, "1795537700000-0");
    EXPECT_EQ(resumed->events.replay_until, "");
    ASSERT_TRUE(clear_refill_pending(*again->db).is_ok());  // the refill finished
  }
  {
    // A snapshot taken mid-refill, restored: its ClickHouse gap is filled again, and its
    // replay resumes where that refill had got, not after the entries ingested meanwhile
    // (the ones between were not replayed yet).
    auto snapshot = open_backend_duckdb(config_at(path), {}, clock);
    ASSERT_TRUE(snapshot.is_ok());
    ASSERT_TRUE(mark_refill_pending(*snapshot->db).is_ok());
    ASSERT_TRUE(record_clickhouse_filled_through(*snapshot->db, Feed::kResults, "u0412-final").is_ok());
    ASSERT_TRUE(record_replayed_through(*snapshot->db, Feed::kResults, "1795537789764-3").is_ok());
    ASSERT_TRUE(record_replay_until(*snapshot->db, Feed::kResults, "1795537800000-1").is_ok());
    ASSERT_TRUE(HistoryWriter(*snapshot->db, clock).write({filled_result("u7")}, "1795537900000-0").is_ok());
    ASSERT_TRUE(mark_refill_pending(*snapshot->db).is_ok());
    auto restarted = refill_progress(*snapshot->db);
    ASSERT_TRUE(restarted.is_ok());
    EXPECT_FALSE(restarted->results.clickhouse_filled);
    EXPECT_EQ(restarted->results.clickhouse_filled_through, "");  // the gap is filled again from its start
    EXPECT_EQ(restarted->results.replayed_through, "1795537789764-3");
    EXPECT_EQ(restarted->results.replay_until, "");  // the restore lacks more: bound again
    ASSERT_TRUE(clear_refill_pending(*snapshot->db).is_ok());
  }
  auto settled = open_backend_duckdb(config_at(path), {}, clock);
  ASSERT_TRUE(settled.is_ok());
  auto cleared = refill_progress(*settled->db);
  ASSERT_TRUE(cleared.is_ok());
  for (Feed feed : kFeeds) {
    EXPECT_FALSE(cleared->of(feed).clickhouse_filled) << feed_name(feed);
    EXPECT_EQ(cleared->of(feed).clickhouse_filled_through, "") << feed_name(feed);
    EXPECT_EQ(cleared->of(feed).replayed_through, "0") << feed_name(feed);
    EXPECT_EQ(cleared->of(feed).replay_until, "") << feed_name(feed);
  }
}

// Found by the second 1,000-fault campaign (seed 1124): every restore replayed RTRS from
// id 0, i.e. the whole retention (10 minutes of results), though the snapshot held all
// but the last seconds of it. With a corrupt-snapshot fault every minute or so the
// refill never finished, RTRS was not trimmed meanwhile, and it grew. The file now
// records the last RTRS entry it ingested, in the same transaction; a restored file
// replays only what comes after it.
TEST(DuckDbRecovery, ARestoredFileReplaysRtrsOnlyAfterTheLastEntryItIngested) {
  testkit::TempDir dir;
  ManualClock clock;
  auto opened = open_backend_duckdb(config_at(dir.file("mtguard.duckdb")), {}, clock);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  ASSERT_TRUE(clear_refill_pending(*opened->db).is_ok());  // a new file, refilled
  HistoryWriter writer(*opened->db, clock);
  ASSERT_TRUE(writer.write({filled_result("u1")}, "1795537131565-0").is_ok());
  ASSERT_TRUE(writer.write({filled_result("u2")}, "1795537131566-4").is_ok());
  ASSERT_TRUE(writer.write({filled_result("u3")}, "").is_ok());  // a replay: not in stream order
  TradeEvent event;
  event.id = "demo-1:deal:1";
  event.instance = "demo-1";
  ASSERT_TRUE(writer.write({event}, "1795537131560-2").is_ok());
  ASSERT_TRUE(mark_refill_pending(*opened->db).is_ok());  // as a snapshot of it, restored
  auto progress = refill_progress(*opened->db);
  ASSERT_TRUE(progress.is_ok()) << progress.status().to_string();
  EXPECT_FALSE(progress->results.clickhouse_filled);
  EXPECT_EQ(progress->results.replayed_through, "1795537131566-4");
  EXPECT_EQ(progress->events.replayed_through, "1795537131560-2");  // each stream its own
}

}  // namespace mtg
