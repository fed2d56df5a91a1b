#include "backup/backupd_service.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "backup/backup_scheduler.h"
#include "backup/backup_service.h"
#include "backup/service_metrics.h"
#include "metrics/metrics_server.h"
#include "metrics/notification_counter.h"
#include "notify/configured_notifier.h"
#include "prefs/prefs_watcher.h"

namespace mtg::backup {
namespace {

void observe(BackupMetrics& metrics, const BackupService& service, const BackupScheduler& scheduler) {
  for (BackupKind kind : kAllKinds) {
    auto entries = service.list(kind);
    if (entries) metrics.update(kind, *entries, scheduler.interval_ms(kind));
  }
}

}  // namespace

Status run_backupd(const Config& config, const std::atomic<bool>& stop) {
  const Clock& clock = SystemClock::instance();
  auto metrics_server = metrics::MetricsServer::start(config.metrics.address(config.metrics.backupd_port));
  if (!metrics_server) return metrics_server.status();
  auto& registry = (*metrics_server)->registry();
  auto metrics = std::make_shared<BackupMetrics>(clock);
  (*metrics_server)->add(metrics);
  auto notifier = notify::make_configured_notifier(config, clock, mtg::metrics::notification_sinks(registry));
  BackupEnv env;
  env.config = &config;
  env.clock = &clock;
  BackupService service(env);
  BackupScheduler scheduler(service, config.backup, clock, notifier.get());
  // backup.<kind>.interval_s preferences apply while backupd runs.
  auto redis = RedisClient::connect(config.redis);
  if (!redis) spdlog::warn("backupd: no preferences while Redis is down: {}", redis.status().to_string());
  std::unique_ptr<PrefsStore> prefs;
  std::unique_ptr<PrefsWatcher> watcher;
  if (redis) {
    prefs = std::make_unique<PrefsStore>(**redis, config.redis.prefix, config.prefs_file);
    watcher = std::make_unique<PrefsWatcher>(*prefs, clock);
  }
  scheduler.run(stop, kSchedulerPollMs, [&](BackupScheduler& s) {
    if (watcher) {
      if (auto changed = watcher->poll()) s.set_intervals(changed->backup_interval_s);
    }
    observe(*metrics, service, s);
  });
  notifier->flush(kSchedulerPollMs);
  return Status::ok();
}

}  // namespace mtg::backup
