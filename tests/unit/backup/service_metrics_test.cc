// backupd's metrics: age, interval, the last drill and the failed ones per kind.
#include "backup/service_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <cmath>

#include "testkit/metrics_text.h"

namespace mtg::backup {
namespace {

BackupEntry entry(const std::string& id, int64_t created_at_ms, int64_t verified_at_ms, bool verified) {
  Manifest m;
  m.id = id;
  m.created_at_ms = created_at_ms;
  m.stored_bytes = 1'000 + created_at_ms % 1'000;
  m.verified_at_ms = verified_at_ms;
  m.verified = verified;
  return BackupEntry{id, "/backups/" + id, m, ""};
}

class BackupMetricsTest : public ::testing::Test {
 protected:
  testkit::MetricsText scrape() const {
    auto text = testkit::MetricsText::parse(prometheus::TextSerializer().Serialize(metrics_.Collect()));
    EXPECT_TRUE(text.is_ok()) << text.status().to_string();
    return *text;
  }

  ManualClock clock_{1'700'000'000'000};
  BackupMetrics metrics_{clock_};
};

TEST_F(BackupMetricsTest, TheAgeGrowsWithTheClockUntilTheNextBackup) {
  const int64_t t0 = clock_.now_ms();
  metrics_.update(BackupKind::kDuckdb,
                  {entry("b", t0 - 10'000, t0 - 9'000, true), entry("a", t0 - 70'000, 1, true)}, 60'000);
  EXPECT_EQ(scrape().value("mtguard_backup_age_seconds", {{"kind", "duckdb"}}), 10.0);
  clock_.advance_ms(125'000);  // backupd busy elsewhere: nobody updated, the age still grows
  auto text = scrape();
  EXPECT_EQ(text.value("mtguard_backup_age_seconds", {{"kind", "duckdb"}}), 135.0);
  EXPECT_EQ(text.value("mtguard_backup_interval_seconds", {{"kind", "duckdb"}}), 60.0);
  EXPECT_EQ(text.value("mtguard_backup_last_verify_ok", {{"kind", "duckdb"}}), 1.0);
  EXPECT_EQ(text.value("mtguard_backup_failed_drills", {{"kind", "duckdb"}}), 0.0);
  EXPECT_EQ(text.value("mtguard_backup_last_size_bytes", {{"kind", "duckdb"}}), 1'000.0);
  EXPECT_EQ(text.type("mtguard_backup_age_seconds"), "gauge");
  // Kinds not looked at yet have no series.
  EXPECT_EQ(text.value("mtguard_backup_age_seconds", {{"kind", "redis"}}), std::nullopt);
}

TEST_F(BackupMetricsTest, NoBackupIsInfinitelyOld) {
  metrics_.update(BackupKind::kPostgres, {}, 86'400'000);
  auto age = scrape().value("mtguard_backup_age_seconds", {{"kind", "postgres"}});
  ASSERT_TRUE(age.has_value());
  EXPECT_TRUE(std::isinf(*age));
  EXPECT_EQ(scrape().value("mtguard_backup_last_verify_ok", {{"kind", "postgres"}}), std::nullopt);
}

TEST_F(BackupMetricsTest, TheLastDrillIsThatOfTheNewestDrilledBackup) {
  const int64_t t0 = clock_.now_ms();
  // The newest is still being drilled (never verified yet); the one before failed its
  // drill, an older one too, the oldest passed.
  metrics_.update(BackupKind::kRedis,
                  {entry("d", t0, 0, false), entry("c", t0 - 300'000, t0 - 299'000, false),
                   entry("b", t0 - 600'000, t0 - 1'000, false), entry("a", t0 - 900'000, t0 - 899'000, true)},
                  300'000);
  auto text = scrape();
  EXPECT_EQ(text.value("mtguard_backup_last_verify_ok", {{"kind", "redis"}}), 0.0);
  EXPECT_EQ(text.value("mtguard_backup_failed_drills", {{"kind", "redis"}}), 2.0);
  EXPECT_EQ(text.value("mtguard_backup_age_seconds", {{"kind", "redis"}}), 0.0);
}

}  // namespace
}  // namespace mtg::backup
