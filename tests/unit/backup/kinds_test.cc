// The real handlers that need no server: duckdb (backend down: the file is opened
// directly), configs and the config fallback, and the backend's snapshot restorer.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "backup/config_fallback.h"
#include "backup/duckdb_restorer.h"
#include "backup/duckdb_snapshot.h"
#include "backup/postgres_handler.h"
#include "backup_fixture.h"
#include "crypto/stream_cipher.h"
#include "store/duckdb/duckdb_database.h"

namespace mtg::backup {
namespace {

namespace fs = std::filesystem;

const char* kInstance = R"({"id":"demo-1","token":"0123456789abcdef0123","symbols":["EURUSD"]})";

class KindsTest : public ::testing::Test {
 protected:
  KindsTest() : config_(testing::temp_config(dir_)) {
    BackupEnv env;
    env.config = &config_;
    env.clock = &clock_;
    service_ = std::make_unique<BackupService>(env);
  }

  void write_rows(int rows) {
    auto db = DuckDatabase::open(config_.duckdb.path);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ASSERT_TRUE((*db)->exec("CREATE TABLE IF NOT EXISTS t (i BIGINT); CREATE TABLE IF NOT EXISTS u (s VARCHAR)").is_ok());
    ASSERT_TRUE((*db)->exec("INSERT INTO t SELECT range FROM range(" + std::to_string(rows) + ")").is_ok());
  }

  std::string run(BackupKind kind) {
    clock_.advance_ms(1'000);
    auto outcome = service_->run(kind);
    EXPECT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    return outcome.is_ok() ? outcome->entry.id : "";
  }

  testkit::TempDir dir_;
  Config config_;
  ManualClock clock_;
  std::unique_ptr<BackupService> service_;
};

TEST_F(KindsTest, DuckdbBackupRecordsRowCountsAndIsAnLz4Frame) {
  write_rows(1000);
  const std::string id = run(BackupKind::kDuckdb);
  auto entry = service_->repository().find(BackupKind::kDuckdb, id);
  ASSERT_TRUE(entry.is_ok());
  EXPECT_EQ(entry->manifest->facts["tables"]["t"], 1000);
  EXPECT_EQ(entry->manifest->facts["tables"]["u"], 0);
  EXPECT_TRUE(entry->manifest->verified) << entry->manifest->drill;
  ASSERT_EQ(entry->manifest->files.size(), 1u);
  EXPECT_EQ(testing::slurp(entry->path + "/duckdb.lz4").substr(0, 4), std::string("\x04\x22\x4d\x18", 4));
  EXPECT_FALSE(fs::exists(config_.duckdb.path + ".backup-raw")) << "the raw snapshot is deleted";
  EXPECT_GT(entry->manifest->raw_bytes, 0);
}

TEST_F(KindsTest, RestorerWritesTheNewestValidSnapshotSkippingCorruptOnes) {
  write_rows(10);
  run(BackupKind::kDuckdb);
  write_rows(5);
  const std::string newest = run(BackupKind::kDuckdb);
  testing::flip_byte(config_.backup.dir + "/duckdb/" + newest + "/duckdb.lz4", 100);
  auto restored = restore_latest_duckdb_snapshot(config_, dir_.file("restored.duckdb"));
  ASSERT_TRUE(restored.is_ok()) << restored.status().to_string();
  EXPECT_TRUE(*restored);
  auto counts = count_duckdb_rows(dir_.file("restored.duckdb"));
  ASSERT_TRUE(counts.is_ok());
  EXPECT_EQ(counts->at("t"), 10);
}

TEST_F(KindsTest, RestorerSaysFalseWithoutSnapshots) {
  auto restored = restore_latest_duckdb_snapshot(config_, dir_.file("restored.duckdb"));
  ASSERT_TRUE(restored.is_ok()) << restored.status().to_string();
  EXPECT_FALSE(*restored);
  EXPECT_FALSE(fs::exists(dir_.file("restored.duckdb")));
}

TEST_F(KindsTest, DuckdbRestoreWithTheBackendDownSwapsTheFileAndKeepsTheOldOne) {
  write_rows(7);
  run(BackupKind::kDuckdb);
  write_rows(100);
  auto outcome = service_->restore(BackupKind::kDuckdb, std::nullopt);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  auto counts = count_duckdb_rows(config_.duckdb.path);
  ASSERT_TRUE(counts.is_ok());
  EXPECT_EQ(counts->at("t"), 7);
  int aside = 0;
  for (const auto& e : fs::directory_iterator(fs::path(config_.duckdb.path).parent_path())) {
    aside += e.path().filename().string().find("pre-restore") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(aside, 1);
}

TEST_F(KindsTest, ConfigsBackupSkipsInvalidFilesAndRestoresRoundTrip) {
  dir_.write("instances/demo-1.json", kInstance);
  dir_.write("instances/broken.json", "{not json");
  const std::string id = run(BackupKind::kConfigs);
  auto entry = service_->repository().find(BackupKind::kConfigs, id);
  ASSERT_TRUE(entry.is_ok());
  EXPECT_EQ(entry->manifest->facts["files"], nlohmann::json::array({"demo-1.json"}));
  EXPECT_EQ(entry->manifest->facts["skipped"][0]["name"], "broken.json");
  dir_.write("instances/demo-1.json", R"({"id":"demo-1"})");
  ASSERT_TRUE(service_->restore(BackupKind::kConfigs, std::nullopt).is_ok());
  EXPECT_EQ(testing::slurp(dir_.file("instances/demo-1.json")), kInstance);
}

TEST_F(KindsTest, AnInvalidInstanceFileIsReplacedByItsLastValidBackup) {
  dir_.write("instances/demo-1.json", kInstance);
  const std::string id = run(BackupKind::kConfigs);
  dir_.write("instances/demo-1.json", R"({"id":"demo-1","symbols":)");
  auto replaced = restore_invalid_instance_configs(ConfigDirs{config_.instances_dir, config_.backup.dir}, clock_);
  ASSERT_TRUE(replaced.is_ok()) << replaced.status().to_string();
  ASSERT_EQ(replaced->size(), 1u);
  EXPECT_EQ((*replaced)[0].backup_id, id);
  EXPECT_EQ(testing::slurp(dir_.file("instances/demo-1.json")), kInstance);
  EXPECT_EQ(testing::slurp((*replaced)[0].moved_to), R"({"id":"demo-1","symbols":)");
  EXPECT_NE((*replaced)[0].moved_to.find(".bad-"), std::string::npos);
}

TEST_F(KindsTest, ConfigDirsAreReadFromTheTomlRelativeToIt) {
  const std::string toml = dir_.write("etc/m.toml", "[instances]\ndir = \"inst\"\n[backup]\ndir = \"/abs/b\"\n[redis]\nport = \"broken\"\n");
  auto dirs = read_config_dirs(toml);
  ASSERT_TRUE(dirs.is_ok()) << dirs.status().to_string();
  EXPECT_EQ(dirs->instances_dir, dir_.file("etc/inst"));
  EXPECT_EQ(dirs->backup_dir, "/abs/b");
}

TEST(MtgbSize, PlaintextBytesFollowFromTheStoredSize) {
  std::array<uint8_t, crypto::kMasterKeyBytes> raw{};
  raw.fill(7);
  const crypto::MasterKey key = crypto::MasterKey::from_bytes(raw);
  constexpr uint32_t kChunk = 16;
  for (size_t n : {0, 1, 15, 16, 17, 48, 50}) {
    std::istringstream in(std::string(n, 'x'));
    std::ostringstream out;
    ASSERT_TRUE(crypto::encrypt_stream(key, in, out, {kChunk}).is_ok());
    EXPECT_EQ(mtgb_plaintext_bytes(static_cast<int64_t>(out.str().size()), kChunk), static_cast<int64_t>(n));
  }
}

}  // namespace
}  // namespace mtg::backup
