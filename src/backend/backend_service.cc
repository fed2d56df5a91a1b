// run_backend: the backend process. It waits for Redis and for the DuckDB file (opened
// through the fallback chain), runs a Backend on it while Redis answers, and closes the
// file when Redis stays away.
#include "backend/backend_service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <thread>

#include "backend/backend.h"
#include "backend/duckdb_recovery.h"
#include "backend/service_metrics.h"
#include "backend_channel/backend_liveness.h"
#include "backup/duckdb_restorer.h"
#include "metrics/metrics_server.h"
#include "metrics/notification_counter.h"
#include "notify/configured_notifier.h"
#include "store/clickhouse/clickhouse_migrations.h"

namespace mtg {
namespace {

constexpr int kRetryPauseMs = 500;          // after Redis was unreachable
constexpr int kNotifyFlushMs = 2'000;

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// An error from Redis being down or not ready yet, rather than from our data.
bool redis_went_away(const Status& s) {
  return s.code() == Code::kUnavailable || s.code() == Code::kTimeout ||
         s.message().find("LOADING") != std::string::npos;
}

Result<std::unique_ptr<RedisClient>> connect_redis(const Config& config, const std::atomic<bool>& stop) {
  for (;;) {
    auto redis = RedisClient::connect(config.redis);
    if (redis || stop.load()) return redis;
    spdlog::warn("backend: waiting for redis: {}", redis.status().to_string());
    sleep_ms(kRetryPauseMs);
  }
}

// Another process may hold DuckDB's file lock for a while: a backup taken directly
// while the backend was down, an operator's command. Waited out like Redis.
// A file an earlier attempt restored, then found locked, went live marked
// refill-pending (open_backend_duckdb), so this attempt refills it too.
Result<DuckOpenOutcome> open_duckdb_waiting(const Config& config, const std::atomic<bool>& stop) {
  for (;;) {
    auto opened = open_backend_duckdb(
        config, [&config](const std::string& path) { return backup::restore_latest_duckdb_snapshot(config, path); },
        SystemClock::instance());
    if (opened || opened.status().code() != Code::kUnavailable || stop.load()) return opened;
    spdlog::warn("backend: waiting for the DuckDB file: {}", opened.status().to_string());
    sleep_ms(kRetryPauseMs);
  }
}

// Redis answers a data command: it is up and done loading its AOF.
bool redis_answers(RedisClient& redis, const std::string& key) {
  return redis.command({"EXISTS", key}).is_ok();
}

void wait_for_redis(RedisClient& redis, const std::string& key, const std::atomic<bool>& stop) {
  while (!stop.load() && !redis_answers(redis, key)) sleep_ms(kRetryPauseMs);
}

// Runs the backend on the file `opened` while Redis answers. Redis going away for a
// moment (a dropped connection, a slow reply) is waited out: start() again re-reads what
// was delivered and never acknowledged, so nothing is lost. Returns ok when Redis stays
// away, or on `stop`; the backend is then destroyed, which closes the file.
Status run_while_redis_answers(const Config& config, RedisClient& redis, DuckOpenOutcome opened, SyncSink& sink,
                               ClickHouseClient& clickhouse, notify::Notifier& notifier, BackendMetrics& metrics,
                               const std::atomic<bool>& stop) {
  Backend backend(config, redis, std::move(opened.db), sink, clickhouse, notifier, metrics);
  if (opened.refill_pending) backend.refill_when_started();
  for (;;) {
    Status s = backend.start();
    if (s.is_ok()) s = backend.loop(stop);
    if (stop.load() || !redis_went_away(s)) return s;
    spdlog::warn("backend: redis went away: {}", s.to_string());
    sleep_ms(kRetryPauseMs);
    if (!redis_answers(redis, BackendKeys{config.redis.prefix}.heartbeat())) return Status::ok();
  }
}

}  // namespace

Status run_backend(const Config& config, const std::atomic<bool>& stop) {
  auto metrics_server = metrics::MetricsServer::start(config.metrics.address(config.metrics.backend_port));
  if (!metrics_server) return metrics_server.status();
  auto& registry = (*metrics_server)->registry();
  BackendMetrics metrics(registry);
  auto redis = connect_redis(config, stop);
  if (!redis) return redis.status();
  auto clickhouse = ClickHouseClient::create(config.clickhouse);
  if (!clickhouse) return clickhouse.status();
  Status migrated = migrate_clickhouse(**clickhouse, config.clickhouse.database);
  if (!migrated.is_ok()) spdlog::warn("backend: clickhouse not ready (sync will retry): {}", migrated.to_string());
  auto sink = make_clickhouse_sync_sink(config.clickhouse);
  if (!sink) return sink.status();
  auto notifier =
      notify::make_configured_notifier(config, SystemClock::instance(), mtg::metrics::notification_sinks(registry));
  // For the whole life of the process, whatever its loop is busy with: requesters wait
  // only while this process lives (backend_channel/backend_liveness.h).
  const LivenessLease alive(config.redis, BackendKeys{config.redis.prefix});
  Status s;
  while (!stop.load()) {
    auto opened = open_duckdb_waiting(config, stop);
    if (!opened) {
      // A stop while another process holds the file is a clean stop.
      const bool stopped_waiting = stop.load() && opened.status().code() == Code::kUnavailable;
      if (!stopped_waiting) s = opened.status().with_context("open DuckDB " + config.duckdb.path);
      break;
    }
    metrics.set_duckdb_open(true);
    s = run_while_redis_answers(config, **redis, std::move(*opened), **sink, **clickhouse, *notifier, metrics, stop);
    metrics.set_duckdb_open(false);
    if (!s.is_ok() || stop.load()) break;
    spdlog::warn("backend: DuckDB file closed until Redis answers again (backups read it themselves meanwhile)");
    wait_for_redis(**redis, BackendKeys{config.redis.prefix}.heartbeat(), stop);
  }
  (void)notifier->flush(kNotifyFlushMs);
  spdlog::info("backend: stopped: {}", s.to_string());
  return s;
}

}  // namespace mtg
