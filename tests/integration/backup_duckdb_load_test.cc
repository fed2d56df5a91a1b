// A DuckDB snapshot taken under a steady write load is consistent: a stand-in for the
// backend (it owns the file, writes pairs of rows in one transaction, and answers the
// `snapshot` command of docs/backup-format.md) serves `backup run duckdb`; every
// snapshot holds as many trade_state rows as trade_history rows, and restoring one
// gives exactly the manifest's counts.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <sstream>
#include <thread>

#include "backend_channel/backend_liveness.h"
#include "backup/duckdb_snapshot.h"
#include "backup_fixture.h"
#include "keys/redis_keys.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/duckdb_migrations.h"

namespace mtg::backup::itest {
namespace {

constexpr int kSnapshots = 3;
constexpr int kMinRowsBetweenSnapshots = 200;

class FakeBackend {
 public:
  explicit FakeBackend(const Config& config) : config_(config) {
    auto db = DuckDatabase::open(config.duckdb.path);
    EXPECT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::move(db).value();
    EXPECT_TRUE(migrate_duckdb(*db_).is_ok());  // the backend's schema
    // A backend counts as running only while its process's liveness lease lives.
    alive_ = std::make_unique<LivenessLease>(config.redis, BackendKeys{config.redis.prefix});
    writer_ = std::thread([this] { write_loop(); });
    server_ = std::thread([this] { serve_loop(); });
  }
  ~FakeBackend() { stop(); }

  void stop() {
    stop_ = true;
    if (writer_.joinable()) writer_.join();
    if (server_.joinable()) server_.join();
    alive_.reset();
    db_.reset();
  }
  int64_t written() const { return written_.load(); }
  // Whether the stand-in published its heartbeat within `timeout_ms`: a backup asked
  // before that finds no backend and reads the file itself ("direct").
  bool wait_serving(int timeout_ms) const {
    for (int waited = 0; !serving_ && waited < timeout_ms; waited += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return serving_;
  }

 private:
  void write_loop() {
    auto conn = db_->another_connection();
    ASSERT_TRUE(conn.is_ok());
    for (int64_t id = 0; !stop_; ++id) {
      const std::string i = std::to_string(id);
      Status s = (*conn)->exec("BEGIN TRANSACTION; INSERT INTO trade_history(result_id, uuid, status, ts, "
                               "recorded_at) VALUES ('r" + i + "', 'u" + i + "', 'filled', " + i + ", " + i + "); "
                               "INSERT INTO trade_state(uuid, state) VALUES ('u" + i + "', 'filled'); COMMIT");
      ASSERT_TRUE(s.is_ok()) << s.to_string();
      written_ = id + 1;
    }
  }

  void serve_loop() {
    auto redis = RedisClient::connect(config_.redis);
    ASSERT_TRUE(redis.is_ok());
    const BackendKeys keys{config_.redis.prefix};
    auto conn = db_->another_connection();
    ASSERT_TRUE(conn.is_ok());
    while (!stop_) {
      if ((*redis)->command({"SET", keys.heartbeat(), "{}", "PX", "5000"}).is_ok()) serving_ = true;
      auto cmd = (*redis)->command({"LPOP", keys.commands()});
      if (cmd && !cmd->is_nil()) {
        std::istringstream words(cmd->str);
        std::string verb, id, path;
        words >> verb >> id >> path;
        // Taken, as the real backend takes it: a requester counts a command neither queued
        // nor taken as lost by Redis after two polls, and a snapshot may outlast them.
        (void)(*redis)->command({"SET", keys.lease(id), "taken", "XX", "KEEPTTL"});
        Status s = verb == "snapshot" ? (*conn)->snapshot_to(path) : Status::invalid("unknown " + verb);
        const std::string reply = s.is_ok() ? R"({"ok":true})" : R"({"ok":false,"error":"failed"})";
        (void)(*redis)->command({"SET", keys.reply(id), reply, "PX", "600000"});
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    (void)(*redis)->command({"DEL", keys.heartbeat()});
  }

  const Config& config_;
  std::unique_ptr<DuckDatabase> db_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> written_{0};
  std::atomic<bool> serving_{false};  // its heartbeat was published
  std::thread writer_;
  std::thread server_;
  std::unique_ptr<LivenessLease> alive_;
};

TEST(BackupDuckdbLoad, SnapshotsUnderSteadyWritesAreConsistentAndRestoreExactly) {
  MTG_REQUIRE_STACK();
  BackupWorld world;
  auto backend = std::make_unique<FakeBackend>(world.config());
  ASSERT_TRUE(backend->wait_serving(10'000));
  std::vector<BackupEntry> taken;
  for (int i = 0; i < kSnapshots; ++i) {
    const int64_t target = backend->written() + kMinRowsBetweenSnapshots;
    while (backend->written() < target) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto outcome = world.service().run(BackupKind::kDuckdb);
    ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    const Manifest& m = *outcome->entry.manifest;
    EXPECT_EQ(m.source["taken_by"], "backend") << "snapshot " << i;
    EXPECT_TRUE(m.verified) << m.drill;
    EXPECT_EQ(m.facts["tables"]["trade_history"], m.facts["tables"]["trade_state"]) << "a torn snapshot";
    EXPECT_GT(m.facts["tables"]["trade_history"].get<int64_t>(), 0);
    taken.push_back(outcome->entry);
  }
  backend->stop();
  backend.reset();
  const Shell restore = world.mtguard("restore duckdb --from " + taken[1].id);
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  auto counts = count_duckdb_rows(world.config().duckdb.path);
  ASSERT_TRUE(counts.is_ok()) << counts.status().to_string();
  EXPECT_EQ(counts->at("trade_history"), taken[1].manifest->facts["tables"]["trade_history"].get<int64_t>());
  EXPECT_EQ(counts->at("trade_history"), counts->at("trade_state"));
}

}  // namespace
}  // namespace mtg::backup::itest
