#include "backup/backup_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "backup_fixture.h"

namespace mtg::backup {
namespace {

namespace fs = std::filesystem;
using testing::FakeHandler;
using testing::FakeWorld;

constexpr BackupKind kKind = BackupKind::kConfigs;
constexpr int64_t kStepMs = 60'000;

class BackupServiceTest : public ::testing::Test {
 protected:
  BackupServiceTest() : config_(testing::temp_config(dir_)) {
    config_.backup.configs.keep = 5;
    BackupEnv env;
    env.config = &config_;
    env.clock = &clock_;
    service_ = std::make_unique<BackupService>(env, [this](BackupKind) { return std::make_unique<FakeHandler>(world_); });
  }

  std::vector<std::string> ids() {
    auto entries = service_->list(kKind);
    EXPECT_TRUE(entries.is_ok()) << entries.status().to_string();
    std::vector<std::string> out;
    for (const BackupEntry& e : *entries) out.push_back(e.id);
    return out;
  }

  std::string run_once() {
    clock_.advance_ms(kStepMs);
    auto outcome = service_->run(kKind);
    EXPECT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    return outcome.is_ok() ? outcome->entry.id : "";
  }

  testkit::TempDir dir_;
  Config config_;
  ManualClock clock_;
  FakeWorld world_;
  std::unique_ptr<BackupService> service_;
};

TEST_F(BackupServiceTest, RunWritesAManifestRecordingAPassedDrill) {
  const std::string id = run_once();
  auto entry = service_->repository().find(kKind, id);
  ASSERT_TRUE(entry.is_ok()) << entry.status().to_string();
  ASSERT_TRUE(entry->manifest.has_value());
  EXPECT_TRUE(entry->manifest->verified);
  EXPECT_EQ(entry->manifest->verified_at_ms, clock_.now_ms());
  EXPECT_EQ(entry->manifest->drill, "fake drill ok");
  EXPECT_EQ(entry->manifest->created_at_ms, clock_.now_ms());
  EXPECT_EQ(id, format_backup_id(clock_.now_ms()));
}

TEST_F(BackupServiceTest, RetentionKeepsExactlyKeepAndRemovesIncompleteDirectories) {
  std::vector<std::string> taken;
  for (int i = 0; i < 3; ++i) taken.push_back(run_once());
  fs::create_directories(dir_.file("backups/configs/20000101T000000000Z"));  // incomplete: no manifest
  for (int i = 0; i < 6; ++i) taken.push_back(run_once());
  const std::vector<std::string> newest(taken.rbegin(), taken.rbegin() + 5);
  EXPECT_EQ(ids(), newest);
  EXPECT_FALSE(fs::exists(dir_.file("backups/configs/20000101T000000000Z")));
}

TEST_F(BackupServiceTest, SameMillisecondGetsASuffixThatSortsAfter) {
  const std::string first = run_once();
  auto second = service_->run(kKind);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->entry.id, first + "-02");
  EXPECT_EQ(ids().front(), first + "-02");
}

TEST_F(BackupServiceTest, AFailedTakeLeavesNoBackupBehind) {
  run_once();
  world_.fail_take = true;
  clock_.advance_ms(kStepMs);
  auto failed = service_->run(kKind);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_NE(failed.status().message().find("disk full"), std::string::npos);
  EXPECT_EQ(ids().size(), 1u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.file("backups/configs")), fs::directory_iterator{}), 2)
      << "one backup and the lock file";
}

TEST_F(BackupServiceTest, AFailedDrillIsRecordedUnverifiedAndSkipsRetention) {
  for (int i = 0; i < 5; ++i) run_once();
  world_.fail_drill = true;
  clock_.advance_ms(kStepMs);
  auto outcome = service_->run(kKind);
  ASSERT_FALSE(outcome.is_ok());
  EXPECT_EQ(outcome.status().code(), Code::kCorruption);
  const std::vector<std::string> all = ids();
  ASSERT_EQ(all.size(), 6u);
  auto newest = service_->repository().find(kKind, all.front());
  ASSERT_TRUE(newest.is_ok());
  EXPECT_FALSE(newest->manifest->verified);
  EXPECT_NE(newest->manifest->drill.find("injected"), std::string::npos);
}

TEST_F(BackupServiceTest, AFlippedByteIsDetectedAndNamed) {
  const std::string good = run_once();
  const std::string bad = run_once();
  testing::flip_byte(dir_.file("backups/configs/" + bad + "/payload.txt"), 2);
  auto outcomes = service_->verify(kKind);
  ASSERT_TRUE(outcomes.is_ok()) << outcomes.status().to_string();
  ASSERT_EQ(outcomes->size(), 2u);
  EXPECT_EQ((*outcomes)[0].id, bad);
  EXPECT_FALSE((*outcomes)[0].ok);
  EXPECT_NE((*outcomes)[0].detail.find("configs/" + bad), std::string::npos) << (*outcomes)[0].detail;
  EXPECT_NE((*outcomes)[0].detail.find("payload.txt"), std::string::npos);
  EXPECT_EQ((*outcomes)[1].id, good);
  EXPECT_TRUE((*outcomes)[1].ok);
  auto recorded = service_->repository().find(kKind, bad);
  EXPECT_FALSE(recorded->manifest->verified);
}

TEST_F(BackupServiceTest, RestoreFallsBackToThePreviousValidBackup) {
  run_once();
  const std::string previous = run_once();
  const std::string newest = run_once();
  testing::flip_byte(dir_.file("backups/configs/" + newest + "/payload.txt"), 0);
  auto outcome = service_->restore(kKind, std::nullopt);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  EXPECT_EQ(outcome->id, previous);
  EXPECT_EQ(world_.restored_id, previous);
  ASSERT_EQ(outcome->skipped.size(), 1u);
  EXPECT_NE(outcome->skipped[0].find("configs/" + newest), std::string::npos);
}

TEST_F(BackupServiceTest, RestoreFromACorruptIdFailsNamingIt) {
  const std::string id = run_once();
  std::filesystem::remove(dir_.file("backups/configs/" + id + "/payload.txt"));
  auto outcome = service_->restore(kKind, id);
  ASSERT_FALSE(outcome.is_ok());
  EXPECT_EQ(outcome.status().code(), Code::kCorruption);
  EXPECT_NE(outcome.status().message().find("configs/" + id), std::string::npos);
  EXPECT_TRUE(world_.restored_id.empty());
}

TEST_F(BackupServiceTest, ACorruptManifestIsNeverRestored) {
  const std::string previous = run_once();
  const std::string newest = run_once();
  std::ofstream(dir_.file("backups/configs/" + newest + "/manifest.json")) << "{garbage";
  auto outcome = service_->restore(kKind, std::nullopt);
  ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
  EXPECT_EQ(outcome->id, previous);
}

TEST_F(BackupServiceTest, NoValidBackupIsNotFound) {
  EXPECT_EQ(service_->restore(kKind, std::nullopt).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace mtg::backup
