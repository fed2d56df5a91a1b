#include "backup/backup_scheduler.h"

#include <gtest/gtest.h>

#include "backup_fixture.h"

namespace mtg::backup {
namespace {

TEST(FormatProgress, SaysDoneOfTotalAndTheTimeLeftAtThePaceSoFar) {
  constexpr int64_t kMiB = 1024 * 1024;
  EXPECT_EQ(format_progress(12 * kMiB, 48 * kMiB, 3'000), "12.0 MiB / 48.0 MiB (25%, about 9 s left)");
  EXPECT_EQ(format_progress(0, 48 * kMiB, 3'000), "0 B / 48.0 MiB (0%)");
  EXPECT_EQ(format_progress(48 * kMiB, 48 * kMiB, 3'000), "48.0 MiB / 48.0 MiB (100%)");
  EXPECT_EQ(format_progress(12 * kMiB, -1, 3'000), "12.0 MiB");
}

TEST(BackupScheduler, RunsEachKindOnItsIntervalWithoutCatchUpBursts) {
  testkit::TempDir dir;
  Config config = testing::temp_config(dir);
  config.backup.duckdb = {60, 10};
  ManualClock clock;
  testing::FakeWorld world;
  BackupEnv env;
  env.config = &config;
  env.clock = &clock;
  BackupService service(env, [&world](BackupKind) { return std::make_unique<testing::FakeHandler>(world); });
  BackupScheduler scheduler(service, config.backup, clock, nullptr);
  EXPECT_EQ(scheduler.tick(), 5) << "every kind is due at once without backups";
  EXPECT_EQ(scheduler.tick(), 0);
  clock.advance_ms(60'000);
  EXPECT_EQ(scheduler.tick(), 1) << "only duckdb (60 s)";
  clock.advance_ms(10 * 60'000);
  EXPECT_EQ(scheduler.tick(), 4) << "one run per kind however late";
  EXPECT_EQ(scheduler.tick(), 0);
  EXPECT_EQ(world.taken, 10);
}

TEST(BackupScheduler, AKindIsFirstDueOneIntervalAfterItsNewestBackup) {
  testkit::TempDir dir;
  Config config = testing::temp_config(dir);
  ManualClock clock;
  testing::FakeWorld world;
  BackupEnv env;
  env.config = &config;
  env.clock = &clock;
  BackupService service(env, [&world](BackupKind) { return std::make_unique<testing::FakeHandler>(world); });
  ASSERT_TRUE(service.run(BackupKind::kPrefs).is_ok());
  BackupScheduler scheduler(service, config.backup, clock, nullptr);
  EXPECT_EQ(scheduler.next_due_ms(BackupKind::kPrefs), clock.now_ms() + config.backup.prefs.interval_s * 1000);
  EXPECT_EQ(scheduler.next_due_ms(BackupKind::kRedis), clock.now_ms());
}

TEST(BackupScheduler, PreferredIntervalsOverrideTheConfigurationUntilUnset) {
  testkit::TempDir dir;
  Config config = testing::temp_config(dir);
  config.backup.duckdb = {60, 10};
  ManualClock clock;
  testing::FakeWorld world;
  BackupEnv env;
  env.config = &config;
  env.clock = &clock;
  BackupService service(env, [&world](BackupKind) { return std::make_unique<testing::FakeHandler>(world); });
  BackupScheduler scheduler(service, config.backup, clock, nullptr);
  ASSERT_EQ(scheduler.tick(), 5);
  const int64_t last = clock.now_ms();
  scheduler.set_intervals({{"duckdb", 10}});
  EXPECT_EQ(scheduler.next_due_ms(BackupKind::kDuckdb), last + 10'000);
  clock.advance_ms(10'000);
  EXPECT_EQ(scheduler.tick(), 1) << "duckdb every 10 s now";
  scheduler.set_intervals({});
  EXPECT_EQ(scheduler.next_due_ms(BackupKind::kDuckdb), clock.now_ms() + 60'000);
}

}  // namespace
}  // namespace mtg::backup
