// The backend on the real stack: ClickHouse outage beyond the retries,
// backend kill -9 mid-batch, Redis state lost while the backend was stopped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "backend_channel/backend_channel.h"
#include "integration/backend_fixture.h"
#include "testkit/shell.h"
#include "testkit/stack.h"

namespace mtg {
namespace {

class BackendSystemTest : public BackendFixture {};

TEST_F(BackendSystemTest, ClickHouseOutageSuspendsTheSyncAndResumeDeliversEveryResultOnce) {
  sys_->start_engine();
  sys_->start_sims();
  start_backend();
  auto first = submit(20);
  ASSERT_TRUE(sys_->wait_final({first.begin(), first.end()}, kWaitMs));
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(rtrs_result_ids().size())));

  testkit::stack_run("kill clickhouse");
  clickhouse_killed_ = true;
  auto second = submit(30);
  ASSERT_TRUE(sys_->wait_final({second.begin(), second.end()}, kWaitMs));
  SyncStatus suspended = wait_status(true);
  EXPECT_GE(suspended.lag_rows, 30);
  EXPECT_FALSE(suspended.last_error.empty());

  ASSERT_EQ(backend_->stop(), 0);
  EXPECT_GE(duck_count("SELECT count(*) FROM failed_syncs WHERE resolved_at IS NULL AND attempts >= 5"), 1);
  EXPECT_EQ(duck_count("SELECT count(*) FROM notifications WHERE kind = 'sync_suspended'"), 1);
  EXPECT_GE(duck_count("SELECT count(*) FROM sync_outbox"), 30);

  testkit::stack_run("start clickhouse");
  clickhouse_killed_ = false;
  start_backend();
  // `sync resume` fails at once when no backend runs; the stopped backend's sync status
  // outlives it for seconds, so the new one's heartbeat is waited for first.
  wait_heartbeat();
  wait_status(true);  // the suspension survived the restart
  ASSERT_EQ(std::system(run_cli("sync resume").c_str()), 0) << sys_->log_tail(dir() + "/cli.log");
  const auto ids = rtrs_result_ids();
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(ids.size()))) << sys_->log_tail(dir() + "/backend.log");
  auto counts = clickhouse_counts();
  EXPECT_EQ(counts.first, counts.second);  // FINAL: each result exactly once
  EXPECT_EQ(counts.second, static_cast<int64_t>(ids.size()));
  EXPECT_EQ(std::system(run_cli("sync status").c_str()), 0);
}

// Found by the eighth 1,000-fault campaign (seed 1124): a sync suspended while
// ClickHouse was being killed stayed suspended for 85 minutes, until someone resumed it.
// Now it resumes itself once ClickHouse has answered for auto_resume_after_ms.
TEST_F(BackendSystemTest, ASyncSuspendedByAClickHouseOutageResumesItselfWhenClickHouseIsBack) {
  set_backend_option("auto_resume_after_ms", 2'000);
  sys_->start_engine();
  sys_->start_sims();
  start_backend();
  testkit::stack_run("kill clickhouse");
  clickhouse_killed_ = true;
  auto lost_to_clickhouse = submit(30);
  ASSERT_TRUE(sys_->wait_final({lost_to_clickhouse.begin(), lost_to_clickhouse.end()}, kWaitMs));
  SyncStatus suspended = wait_status(true);
  EXPECT_TRUE(suspended.resumes_itself);
  ASSERT_EQ(std::system(run_cli("sync status").c_str()), 0);
  const std::string shown = testkit::run_shell("cat " + dir() + "/cli.log").output;
  EXPECT_NE(shown.find("suspended (resumes itself)"), std::string::npos) << shown;

  testkit::stack_run("start clickhouse");
  clickhouse_killed_ = false;
  wait_status(false);  // nobody ran `mtguard sync resume`
  const auto ids = rtrs_result_ids();
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(ids.size()))) << sys_->log_tail(dir() + "/backend.log");
  auto counts = clickhouse_counts();
  EXPECT_EQ(counts.first, counts.second);  // FINAL: each result exactly once
  EXPECT_EQ(counts.second, static_cast<int64_t>(ids.size()));
  ASSERT_EQ(backend_->stop(), 0);
  EXPECT_EQ(duck_count("SELECT count(*) FROM sync_outbox"), 0);
}

TEST_F(BackendSystemTest, BackendKilledMidBatchLosesAndDuplicatesNothing) {
  sys_->start_engine();
  sys_->start_sims();
  start_backend();
  auto uuids = submit(300);
  for (int kill = 0; kill < 3; ++kill) {
    sleep_ms(400);
    backend_->kill9();
    backend_->restart();
  }
  // The last backend started (the killed one's heartbeat lives on for its TTL): a
  // SIGTERM before its signal handler is in place would end it with the signal.
  ASSERT_TRUE(sys_->redis().command({"DEL", BackendKeys{sys_->config().redis.prefix}.heartbeat()}).is_ok());
  wait_heartbeat();
  ASSERT_TRUE(sys_->wait_final({uuids.begin(), uuids.end()}, kWaitMs));
  const auto ids = rtrs_result_ids();
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(ids.size()))) << sys_->log_tail(dir() + "/backend.log");
  auto counts = clickhouse_counts();
  EXPECT_EQ(counts.first, static_cast<int64_t>(ids.size()));
  ASSERT_EQ(backend_->stop(), 0);
  const std::string ours = "FROM trade_history WHERE uuid IN (" + uuid_list() + ")";
  EXPECT_EQ(duck_count("SELECT count(*) " + ours), static_cast<int64_t>(ids.size()))
      << sys_->log_tail(dir() + "/backend.log");
  EXPECT_EQ(duck_count("SELECT count(DISTINCT result_id) " + ours), static_cast<int64_t>(ids.size()));
  EXPECT_EQ(duck_count("SELECT count(*) FROM sync_outbox"), 0);
}

// Found by the chaos campaign (seeds 20261124 and 42): the backend exited when Redis
// closed the connection between its read and its XACK, or while it was starting.
TEST_F(BackendSystemTest, RedisKilledUnderTheBackendIsWaitedOut) {
  sys_->start_engine();
  sys_->start_sims();
  start_backend();
  std::vector<std::string> uuids;
  for (int round = 0; round < 3; ++round) {
    auto batch = submit(100);
    uuids.insert(uuids.end(), batch.begin(), batch.end());
    sleep_ms(300);
    testkit::stack_run("kill redis");
    sleep_ms(round == 0 ? 2'000 : 300);  // long enough for the backend to notice, or not
    testkit::stack_run("start redis");
    (void)sys_->redis().ping();  // our own connection died with Redis: reconnect
  }
  ASSERT_TRUE(sys_->wait_final({uuids.begin(), uuids.end()}, kWaitMs)) << sys_->log_tail(sys_->engine().log_path());
  const auto ids = rtrs_result_ids();
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(ids.size()))) << sys_->log_tail(dir() + "/backend.log");
  EXPECT_TRUE(backend_->running()) << sys_->log_tail(dir() + "/backend.log");
  ASSERT_EQ(backend_->stop(), 0);
  const std::string ours = "FROM trade_history WHERE uuid IN (" + uuid_list() + ")";
  EXPECT_EQ(duck_count("SELECT count(DISTINCT result_id) " + ours), static_cast<int64_t>(ids.size()));
  EXPECT_EQ(duck_count("SELECT count(*) " + ours), static_cast<int64_t>(ids.size()));
}

TEST_F(BackendSystemTest, RedisLostWhileStoppedIsRebuiltFromDuckDbAndTheEngineResumes) {
  sys_->start_engine();
  start_backend();
  wait_status(false);  // started (a new DuckDB file is first filled from ClickHouse)
  auto uuids = submit(6, 300'000);  // no terminal yet: the orders stay open
  const std::string open_key = sys_->config().redis.prefix + "rts:open";
  for (int waited = 0; waited < kWaitMs; waited += 100) {
    auto n = sys_->redis().command({"SCARD", open_key});
    if (n && n->integer == 6) break;
    sleep_ms(100);
  }
  ASSERT_EQ(sys_->redis().command({"SCARD", open_key})->integer, 6);
  sleep_ms(2'500);  // at least two mirror polls (one a second) after the orders opened
  ASSERT_EQ(backend_->stop(), 0);
  ASSERT_EQ(sys_->engine().stop(), 0);
  ASSERT_EQ(duck_count("SELECT count(*) FROM trade_state WHERE signal_json IS NOT NULL AND uuid IN (" +
                       uuid_list() + ")"), 6)
      << sys_->log_tail(dir() + "/backend.log") << sys_->log_tail(dir() + "/engine.log");

  // Redis loses everything under our prefix.
  auto keys = sys_->redis().command({"KEYS", sys_->config().redis.prefix + "*"});
  ASSERT_TRUE(keys.is_ok());
  for (const auto& k : keys->elements) ASSERT_TRUE(sys_->redis().command({"DEL", k.str}).is_ok());

  start_backend();
  wait_status(false);
  auto open = sys_->redis().command({"SCARD", open_key});
  ASSERT_TRUE(open.is_ok());
  EXPECT_EQ(open->integer, 6);
  auto dedup = sys_->redis().command({"EXISTS", sys_->config().redis.prefix + "dedup:" + uuids[0]});
  EXPECT_EQ(dedup->integer, 1);

  sys_->engine().restart();
  sys_->start_sims();
  ASSERT_TRUE(sys_->wait_final({uuids.begin(), uuids.end()}, kWaitMs)) << sys_->log_tail(dir() + "/engine.log");
  auto volume = sys_->ledger_volume();
  for (const auto& u : uuids) EXPECT_NEAR(volume[u], 0.1, 1e-9) << u;
  for (const auto& r : sys_->results()) {
    if (all_.count(r.uuid) != 0 && is_final(r.status)) {
      EXPECT_EQ(r.status, ResultStatus::kFilled) << r.reason;
    }
  }
}

// Found while adding backupd to the chaos campaign: a backup taken directly from the
// DuckDB file while the backend was down holds DuckDB's file lock; a backend starting
// then exited. It now waits for the file.
TEST_F(BackendSystemTest, ADuckdbFileLockedByAnotherProcessIsWaitedFor) {
  start_backend();
  wait_heartbeat();
  ASSERT_EQ(backend_->stop(), 0);
  const BackendKeys keys{sys_->config().redis.prefix};
  ASSERT_TRUE(sys_->redis().command({"DEL", keys.heartbeat()}).is_ok());
  {
    auto held = DuckDatabase::open(sys_->config().duckdb.path);  // this process holds the lock
    ASSERT_TRUE(held.is_ok()) << held.status().to_string();
    backend_->restart();
    for (int waited = 0; waited < 3'000 && backend_->running(); waited += 100) sleep_ms(100);
    EXPECT_TRUE(backend_->running()) << sys_->log_tail(dir() + "/backend.log");
  }
  wait_heartbeat();  // the lock is gone: the backend opened the file and started
  EXPECT_TRUE(backend_->running());
  EXPECT_NE(sys_->log_tail(dir() + "/backend.log").find("waiting for the DuckDB file"), std::string::npos);
}

// A stop that arrives while the backend waits for a locked DuckDB file ends it
// cleanly (it returned the wait's lock error, a failed exit).
TEST_F(BackendSystemTest, AStopWhileWaitingForALockedDuckdbFileIsClean) {
  start_backend();
  wait_heartbeat();
  ASSERT_EQ(backend_->stop(), 0);
  auto held = DuckDatabase::open(sys_->config().duckdb.path);  // this process holds the lock
  ASSERT_TRUE(held.is_ok()) << held.status().to_string();
  backend_->restart();
  for (int waited = 0; waited < 10'000; waited += 100) {
    if (sys_->log_tail(dir() + "/backend.log").find("waiting for the DuckDB file") != std::string::npos) break;
    sleep_ms(100);
  }
  ASSERT_TRUE(backend_->running()) << sys_->log_tail(dir() + "/backend.log");
  EXPECT_EQ(backend_->stop(), 0) << sys_->log_tail(dir() + "/backend.log");
}

// Found while adding backup faults to the chaos campaign: a backend that started on a
// missing DuckDB file restored the latest snapshot and filled the gap from ClickHouse
// only, once. Results acknowledged after the snapshot and not yet in ClickHouse (it was
// down) were gone from DuckDB for good. Now RTRS is replayed too, and the refill is
// retried until ClickHouse answers.
TEST_F(BackendSystemTest, DuckdbLostWhileClickhouseIsDownIsRefilledFromTheSnapshotRtrsAndLaterClickhouse) {
  sys_->start_engine();
  sys_->start_sims();
  start_backend();
  auto before = submit(20);
  ASSERT_TRUE(sys_->wait_final({before.begin(), before.end()}, kWaitMs));
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(rtrs_result_ids().size())));
  ASSERT_EQ(std::system(run_cli("backup run duckdb").c_str()), 0) << sys_->log_tail(dir() + "/cli.log");

  testkit::stack_run("kill clickhouse");
  clickhouse_killed_ = true;
  auto after = submit(30);
  ASSERT_TRUE(sys_->wait_final({after.begin(), after.end()}, kWaitMs));
  wait_acknowledged();
  kill_backend_and_lose_its_file();
  backend_->restart();
  wait_heartbeat();  // started: the snapshot restored, RTRS replayed, ClickHouse unreachable

  testkit::stack_run("start clickhouse");
  clickhouse_killed_ = false;
  (void)std::system(run_cli("sync resume").c_str());  // the sync of the replayed results may have given up
  const auto ids = rtrs_result_ids();
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(ids.size()))) << sys_->log_tail(dir() + "/backend.log");
  ASSERT_EQ(backend_->stop(), 0);
  const std::string ours = "FROM trade_history WHERE uuid IN (" + uuid_list() + ")";
  EXPECT_EQ(duck_count("SELECT count(*) " + ours), static_cast<int64_t>(ids.size()))
      << sys_->log_tail(dir() + "/backend.log");
  EXPECT_EQ(duck_count("SELECT count(DISTINCT result_id) " + ours), static_cast<int64_t>(ids.size()));
}

// Found by the 1,000-fault campaign (seed 1124): the refill of a lost DuckDB file ran its
// whole RTRS replay inside start() or one housekeeping call, so nothing new was recorded
// until it reached RTRS' end; cut off by every Redis fault, it started over at entry 0
// while RTRS grew. Now it resumes where it stopped and goes in steps ([backend]
// refill_step_entries, 200 here), between which the loop ingests: new results are
// recorded and reach ClickHouse while the refill goes on, and it ends after Redis was killed.
TEST_F(BackendSystemTest, ALongRefillCutOffByRedisGoesOnInStepsWhileNewResultsAreIngested) {
  constexpr int kEarlier = 6'000;  // RTRS entries the refill replays: 30 steps
  sys_->start_engine();
  sys_->start_sims();
  start_backend();
  wait_heartbeat();
  add_results_to_rtrs(kEarlier);
  wait_acknowledged();
  kill_backend_and_lose_its_file();  // no snapshot: a new file, refilled whole
  backend_->restart();

  ASSERT_TRUE(wait_refill_pending(true, kWaitMs)) << sys_->log_tail(dir() + "/backend.log");
  auto during = submit(20);
  ASSERT_TRUE(sys_->wait_final({during.begin(), during.end()}, kWaitMs));
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(rtrs_result_ids().size())))
      << sys_->log_tail(dir() + "/backend.log");
  EXPECT_TRUE(wait_refill_pending(true, 0)) << "the refill ended before the new results were recorded: "
                                            << "raise kEarlier\n" << sys_->log_tail(dir() + "/backend.log");

  testkit::stack_run("kill redis");
  testkit::stack_run("start redis");
  ASSERT_TRUE(wait_refill_pending(false, 5 * kWaitMs)) << sys_->log_tail(dir() + "/backend.log");
  auto after = submit(10);
  ASSERT_TRUE(sys_->wait_final({after.begin(), after.end()}, kWaitMs));
  const auto ids = rtrs_result_ids();
  ASSERT_TRUE(wait_clickhouse(static_cast<int64_t>(ids.size()))) << sys_->log_tail(dir() + "/backend.log");
  ASSERT_EQ(backend_->stop(), 0);
  const int64_t all = kEarlier + static_cast<int64_t>(ids.size());
  EXPECT_EQ(duck_count("SELECT count(*) FROM trade_history"), all) << sys_->log_tail(dir() + "/backend.log");
  EXPECT_EQ(duck_count("SELECT count(DISTINCT result_id) FROM trade_history"), all);
  EXPECT_EQ(duck_count("SELECT count(*) FROM sync_state WHERE key LIKE 'refill%'"), 0);
}


// Found by the 1,000-fault campaign (seed 1124, third run): the refill's replay read RTRS
// to its end, results the loop records anyway, and took turns with single ingest
// batches, so a lag of 29k did not shrink. It now stops at the entry the group had
// delivered when the refill began: results queued later are ingest's alone.
TEST_F(BackendSystemTest, ARefillReplaysOnlyWhatTheGroupHadDeliveredWhenItBegan) {
  constexpr int kEarlier = 1'000;  // recorded, then lost with the file: the refill's (5 steps)
  constexpr int kLater = 3'000;    // queued while the backend was down: ingest's
  start_backend();
  wait_heartbeat();
  add_results_to_rtrs(kEarlier);
  wait_acknowledged();
  const int64_t read_before = refill_entries_read();  // the first start's refill of an empty RTRS
  kill_backend_and_lose_its_file();
  add_results_to_rtrs(kLater);
  backend_->restart();
  ASSERT_TRUE(wait_refill_pending(false, 5 * kWaitMs)) << sys_->log_tail(dir() + "/backend.log");
  wait_acknowledged();
  ASSERT_EQ(backend_->stop(), 0);
  EXPECT_EQ(read_before, 0);
  EXPECT_EQ(refill_entries_read(), kEarlier) << sys_->log_tail(dir() + "/backend.log");
  EXPECT_EQ(duck_count("SELECT count(*) FROM trade_history"), kEarlier + kLater);
  EXPECT_EQ(duck_count("SELECT count(DISTINCT result_id) FROM trade_history"), kEarlier + kLater);
  EXPECT_EQ(duck_count("SELECT count(*) FROM sync_state WHERE key LIKE 'refill%'"), 0);
}

// Found by the integration suite on a long-lived stack (118k rows of earlier tests in
// ClickHouse): a backend that started on a lost file with no snapshot filled the whole
// ClickHouse history of its instances in one step, inside start(), and answered no
// command for over 90 s. The gap fill goes in steps too, between which the loop runs.
// Found by the 1,000-fault campaign (seed 1124, fifth run): a refill step replayed its
// 2,000 RTRS entries in 6 s at the writer's speed under load, the first one inside
// start(), and published no heartbeat meanwhile (5 s TTL); backups took the backend for
// stopped and failed on its lock. A step's replay now stops after about 2 s, and the
// heartbeat is published before each step, with the refill's count (what `mtguard status`
// and a restore waiting for the refill show).
TEST_F(BackendSystemTest, ARefillStepStopsAfterTwoSecondsAndTheHeartbeatLivesThroughTheRefill) {
  constexpr int kEarlier = 20'000;  // recorded, then lost with the file: several seconds of replay
  start_backend();
  wait_heartbeat();
  add_results_to_rtrs(kEarlier);
  wait_acknowledged();
  const size_t steps_before = logged_refill_steps().size();  // the first start's, of an empty file
  kill_backend_and_lose_its_file();
  set_backend_option("refill_step_entries", 1'000'000);  // only the time bound can split this refill
  backend_->restart();
  int heartbeats_refilling = 0;
  std::vector<RefillCount> counts;
  BackendChannel channel(sys_->redis(), sys_->config().redis.prefix);
  for (int waited = 0; waited < 5 * kWaitMs; waited += 100) {
    if (auto beat = channel.heartbeat()) {
      if (!beat->refill_pending) break;
      if (beat->refill) counts.push_back(*beat->refill);
      if (++heartbeats_refilling == 2) (void)std::system(run_cli("status").c_str());  // shows the refill
    }
    sleep_ms(100);
  }
  ASSERT_TRUE(wait_refill_pending(false, 0)) << sys_->log_tail(dir() + "/backend.log");
  EXPECT_GT(heartbeats_refilling, 0) << "no heartbeat while refilling\n" << sys_->log_tail(dir() + "/backend.log");
  EXPECT_NE(sys_->log_tail(dir() + "/cli.log").find("held by backend, refilling: "), std::string::npos)
      << sys_->log_tail(dir() + "/cli.log");
  EXPECT_NE(sys_->log_tail(dir() + "/cli.log").find(" of about " + std::to_string(kEarlier) + " stream entries replayed ("),
            std::string::npos)
      << sys_->log_tail(dir() + "/cli.log");
  // Each heartbeat counts the refill: the entries ahead known from the start, the
  // replayed ones growing towards them.
  ASSERT_EQ(static_cast<int>(counts.size()), heartbeats_refilling);
  for (size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i].to_replay, kEarlier);
    EXPECT_LE(counts[i].replayed, kEarlier);
    if (i > 0) {
      EXPECT_GE(counts[i].replayed, counts[i - 1].replayed);
    }
  }
  EXPECT_GT(counts.back().replayed, 0) << "no heartbeat counted a step";
  const auto steps = logged_refill_steps();
  EXPECT_GE(steps.size() - steps_before, 2u) << "the refill went in one step\n"
                                             << sys_->log_tail(dir() + "/backend.log");
  ASSERT_EQ(backend_->stop(), 0);
  EXPECT_EQ(refill_entries_read(), kEarlier);
  EXPECT_EQ(duck_count("SELECT count(DISTINCT result_id) FROM trade_history"), kEarlier);
  EXPECT_EQ(duck_count("SELECT count(*) FROM trade_history"), kEarlier);
}

TEST_F(BackendSystemTest, AWholeClickHouseHistoryIsFilledInStepsBetweenWhichTheLoopRuns) {
  constexpr int kHistory = 3'000;  // rows of our instances in ClickHouse: 15 steps of 200
  const std::string ids = "'" + sys_->instance_id(0) + "','" + sys_->instance_id(1) + "','" + sys_->instance_id(2) + "'";
  const std::string uuid = "concat('" + sys_->instance_id(0) + "-history-', toString(number))";
  const std::string now = std::to_string(now_ms());
  auto inserted = clickhouse_->query(
      "INSERT INTO " + clickhouse_->database() + ".trade_results (result_id, uuid, instance, symbol, side, status, "
      "volume, filled_volume, avg_price, reason, ticket, retcode, ts, synced_at) SELECT concat(" + uuid +
      ", ':final'), " + uuid +
      ", [" + ids + "][number % 3 + 1], 'EURUSD', 'buy', 'filled', 0.1, 0.1, 1.1, '', number + 1, 10009, " + now +
      ", " + now + " FROM numbers(" + std::to_string(kHistory) + ")");
  ASSERT_TRUE(inserted.is_ok()) << inserted.status().to_string();
  start_backend();  // a new file, no snapshot: the whole history is the gap
  EXPECT_TRUE(wait_refill_pending(true, kWaitMs)) << "no heartbeat during the refill\n"
                                                  << sys_->log_tail(dir() + "/backend.log");
  ASSERT_TRUE(wait_refill_pending(false, 5 * kWaitMs)) << sys_->log_tail(dir() + "/backend.log");
  ASSERT_EQ(backend_->stop(), 0);
  const auto steps = logged_refill_steps();
  int64_t filled = 0;
  for (const LoggedStep& step : steps) {
    EXPECT_LE(step.clickhouse_rows, 200);
    filled += step.clickhouse_rows;
  }
  EXPECT_EQ(filled, kHistory) << sys_->log_tail(dir() + "/backend.log");
  EXPECT_GE(steps.size(), static_cast<size_t>(kHistory / 200));
  EXPECT_EQ(duck_count("SELECT count(*) FROM trade_history"), kHistory);
  EXPECT_EQ(duck_count("SELECT count(*) FROM sync_state WHERE key LIKE 'refill%'"), 0);
}

}  // namespace
}  // namespace mtg
