// Backups of every kind on the real stack (private prefix, database, files): retention
// counts, LZ4 frames, no plaintext in pg backups, `backup verify` naming a flipped
// byte, round trips of configs, prefs, duckdb and postgres (into a dropped database too),
// drills recorded.
#include <gtest/gtest.h>

#include <filesystem>

#include "backup/duckdb_snapshot.h"
#include "backup_fixture.h"
#include "store/duckdb/duckdb_database.h"
#include "store/duckdb/duckdb_migrations.h"
#include "store/duckdb/refill_mark.h"

namespace mtg::backup::itest {
namespace {

namespace fs = std::filesystem;

class BackupKinds : public ::testing::Test {
 protected:
  void SetUp() override {
    MTG_REQUIRE_STACK();
    world_ = std::make_unique<BackupWorld>();
    auto pg = PgClient::connect(world_->config().postgres);
    ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
    pg_ = std::move(pg).value();
    password_ = "hunter2-" + world_->suffix();
    ASSERT_TRUE(pg_->exec("CREATE TABLE credentials (instance TEXT PRIMARY KEY, secret TEXT)").is_ok());
    ASSERT_TRUE(pg_->exec("INSERT INTO credentials VALUES ('demo-1', '" + password_ + "')").is_ok());
    auto duck = DuckDatabase::open(world_->config().duckdb.path);
    ASSERT_TRUE(duck.is_ok()) << duck.status().to_string();
    ASSERT_TRUE(migrate_duckdb(**duck).is_ok());  // the backend's schema
    ASSERT_TRUE((*duck)->exec("INSERT INTO trade_history(result_id, uuid, status, ts, recorded_at) "
                              "SELECT 'r' || range, 'u' || range, 'filled', range, range FROM range(500)").is_ok());
    auto redis = RedisClient::connect(world_->config().redis);
    ASSERT_TRUE(redis.is_ok());
    redis_ = std::move(redis).value();
    ASSERT_TRUE(redis_->command({"HSET", prefs_key(), "default_ttl_ms", "30000", "webhook", "\"http://x\""}).is_ok());
    world_->dir().write("prefs.json", R"({"default_ttl_ms": 30000, "webhook": "http://x"})");
  }

  std::string prefs_key() const { return world_->config().redis.prefix + "prefs"; }

  BackupEntry run(BackupKind kind) {
    auto outcome = world_->service().run(kind);
    EXPECT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    return outcome.is_ok() ? outcome->entry : BackupEntry{};
  }

  std::string pg_secret() {
    auto rows = pg_->query("SELECT secret FROM credentials ORDER BY instance");
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() && !rows->rows.empty() && rows->rows[0][0] ? *rows->rows[0][0] : "";
  }

  std::unique_ptr<BackupWorld> world_;
  std::unique_ptr<PgClient> pg_;
  std::unique_ptr<RedisClient> redis_;
  std::string password_;
};

TEST_F(BackupKinds, RetentionKeepsExactly5_5_5_10_30AfterMoreRuns) {
  const std::vector<std::pair<BackupKind, int>> keeps = {{BackupKind::kRedis, 5}, {BackupKind::kConfigs, 5},
                                                         {BackupKind::kPrefs, 5}, {BackupKind::kDuckdb, 10},
                                                         {BackupKind::kPostgres, 30}};
  for (const auto& [kind, keep] : keeps) {
    ASSERT_EQ(schedule_for(world_->config().backup, kind).keep, keep) << "the default keep of " << kind_name(kind);
    for (int i = 0; i < keep + 2; ++i) run(kind);
    auto entries = world_->service().list(kind);
    ASSERT_TRUE(entries.is_ok());
    EXPECT_EQ(entries->size(), static_cast<size_t>(keep)) << kind_name(kind);
    for (const BackupEntry& e : *entries) EXPECT_TRUE(e.manifest->verified) << kind_name(kind) << " " << e.manifest->drill;
  }
}

TEST_F(BackupKinds, DuckdbSnapshotsAreLz4FramesTheCliReads) {
  const BackupEntry entry = run(BackupKind::kDuckdb);
  const std::string lz4 = entry.path + "/" + kDuckdbPayload;
  EXPECT_EQ(slurp(lz4).substr(0, 4), std::string("\x04\x22\x4d\x18", 4));
  const Shell cli = shell("lz4 -t '" + lz4 + "'");
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(entry.manifest->facts["tables"]["trade_history"], 500);
}

TEST_F(BackupKinds, PostgresBackupsHoldNoPlaintext) {
  const BackupEntry entry = run(BackupKind::kPostgres);
  const std::string stored = slurp(entry.path + "/postgres.dump.mtgb");
  ASSERT_GT(stored.size(), 100u);
  EXPECT_EQ(stored.substr(0, 4), "MTGB");
  EXPECT_EQ(stored.find("PGDMP"), std::string::npos);
  EXPECT_EQ(stored.find("credentials"), std::string::npos);
  EXPECT_EQ(stored.find(password_), std::string::npos);
  const Shell grep = shell("grep -rFl -- '" + password_ + "' '" + world_->config().backup.dir + "'");
  EXPECT_EQ(grep.output, "") << "plaintext password on disk";
  EXPECT_TRUE(entry.manifest->verified) << entry.manifest->drill;
  EXPECT_NE(entry.manifest->drill.find("pg_restore --list"), std::string::npos);
}

TEST_F(BackupKinds, AFlippedByteInAnyKindMakesVerifyFailAndNameIt) {
  for (BackupKind kind : {BackupKind::kRedis, BackupKind::kConfigs, BackupKind::kPrefs, BackupKind::kDuckdb,
                          BackupKind::kPostgres}) {
    const BackupEntry good = run(kind);
    const Shell ok = world_->mtguard(std::string("backup verify ") + kind_name(kind));
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    const BackupEntry bad = run(kind);
    const ManifestFile& file = bad.manifest->files.front();
    flip_byte(bad.path + "/" + file.name, static_cast<size_t>(file.bytes / 2));
    const Shell verify = world_->mtguard(std::string("backup verify ") + kind_name(kind));
    EXPECT_NE(verify.exit_code, 0) << verify.output;
    EXPECT_NE(verify.output.find(std::string(kind_name(kind)) + "/" + bad.id), std::string::npos) << verify.output;
    EXPECT_EQ(verify.output.find("corrupt backup " + std::string(kind_name(kind)) + "/" + good.id), std::string::npos);
  }
  const Shell list = world_->mtguard("backup list --json");
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("\"FAILED\""), std::string::npos) << list.output;
}

TEST_F(BackupKinds, ConfigsRoundTrip) {
  const std::string before = slurp(world_->config().instances_dir + "/demo-2.json");
  run(BackupKind::kConfigs);
  world_->dir().write("instances/demo-2.json", R"({"id":"demo-2","token":"changed-token-000000","symbols":[]})");
  const Shell restore = world_->mtguard("restore configs");
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  EXPECT_EQ(slurp(world_->config().instances_dir + "/demo-2.json"), before);
}

TEST_F(BackupKinds, AnInvalidInstanceFileIsReplacedWhenTheConfigLoads) {
  const std::string before = slurp(world_->config().instances_dir + "/demo-3.json");
  run(BackupKind::kConfigs);
  world_->dir().write("instances/demo-3.json", "{\"id\": \"demo-3\", oops");
  const Shell list = world_->mtguard("backup list configs");
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("config_restored"), std::string::npos) << list.output;
  EXPECT_EQ(slurp(world_->config().instances_dir + "/demo-3.json"), before);
}

TEST_F(BackupKinds, PrefsRoundTrip) {
  run(BackupKind::kPrefs);
  const std::string file_before = slurp(world_->config().prefs_file);
  ASSERT_TRUE(redis_->command({"HSET", prefs_key(), "default_ttl_ms", "1", "extra", "2"}).is_ok());
  world_->dir().write("prefs.json", "{}");
  const Shell restore = world_->mtguard("restore prefs");
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  auto hash = redis_->command({"HGETALL", prefs_key()});
  ASSERT_TRUE(hash.is_ok());
  ASSERT_EQ(hash->elements.size(), 4u) << hash->debug_string();
  auto ttl = redis_->command({"HGET", prefs_key(), "default_ttl_ms"});
  EXPECT_EQ(ttl->str, "30000");
  EXPECT_EQ(nlohmann::json::parse(slurp(world_->config().prefs_file)), nlohmann::json::parse(file_before));
}

TEST_F(BackupKinds, DuckdbRoundTripWithTheBackendDown) {
  run(BackupKind::kDuckdb);
  {
    auto duck = DuckDatabase::open(world_->config().duckdb.path);
    ASSERT_TRUE(duck.is_ok());
    ASSERT_TRUE((*duck)->exec("DELETE FROM trade_history WHERE uuid < 'u3'").is_ok());
  }
  const Shell restore = world_->mtguard("restore duckdb");
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  auto counts = count_duckdb_rows(world_->config().duckdb.path);
  ASSERT_TRUE(counts.is_ok()) << counts.status().to_string();
  EXPECT_EQ(counts->at("trade_history"), 500);
  // The backend refills what the snapshot lacks when it opens the restored file.
  auto duck = DuckDatabase::open(world_->config().duckdb.path);
  ASSERT_TRUE(duck.is_ok());
  auto pending = pending_refill_since(**duck);
  ASSERT_TRUE(pending.is_ok()) << pending.status().to_string();
  EXPECT_TRUE(pending->has_value());
}

TEST_F(BackupKinds, PostgresRoundTripAndACorruptNewestFallsBack) {
  const BackupEntry good = run(BackupKind::kPostgres);
  ASSERT_TRUE(pg_->exec("UPDATE credentials SET secret = 'changed'").is_ok());
  const BackupEntry bad = run(BackupKind::kPostgres);
  flip_byte(bad.path + "/postgres.dump.mtgb", 60);
  ASSERT_TRUE(pg_->exec("DELETE FROM credentials").is_ok());
  const Shell restore = world_->mtguard("restore postgres");
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  EXPECT_NE(restore.output.find("postgres/" + bad.id), std::string::npos) << restore.output;
  EXPECT_NE(restore.output.find("restored postgres/" + good.id), std::string::npos) << restore.output;
  EXPECT_EQ(pg_secret(), password_);
  const Shell from_bad = world_->mtguard("restore postgres --from " + bad.id);
  EXPECT_NE(from_bad.exit_code, 0);
  EXPECT_NE(from_bad.output.find("postgres/" + bad.id), std::string::npos) << from_bad.output;
}

TEST_F(BackupKinds, ADroppedPostgresDatabaseIsCreatedAgainByTheRestore) {
  const BackupEntry entry = run(BackupKind::kPostgres);
  pg_.reset();
  auto admin = PgClient::connect(testkit::stack_config().postgres);
  ASSERT_TRUE(admin.is_ok()) << admin.status().to_string();
  ASSERT_TRUE((*admin)->exec("DROP DATABASE " + world_->config().postgres.database + " WITH (FORCE)").is_ok());
  const Shell restore = world_->mtguard("restore postgres");
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  EXPECT_NE(restore.output.find("restored postgres/" + entry.id), std::string::npos) << restore.output;
  auto pg = PgClient::connect(world_->config().postgres);
  ASSERT_TRUE(pg.is_ok()) << pg.status().to_string();
  pg_ = std::move(pg).value();
  EXPECT_EQ(pg_secret(), password_);
}

}  // namespace
}  // namespace mtg::backup::itest
