#include "backend/backend_service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "backend/backend.h"
#include "backend/duckdb_recovery.h"
#include "backup/backend_liveness.h"
#include "backup/duckdb_restorer.h"
#include "notify/configured_notifier.h"
#include "store/clickhouse/clickhouse_migrations.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr int kReadBlockMs = 50;          // longest wait for new RTRS entries per loop
constexpr int64_t kHousekeepingMs = 1'000;  // mirror, heartbeat, status, commands, trim
constexpr int kRetryPauseMs = 500;          // after Redis was unreachable
constexpr int kNotifyFlushMs = 2'000;

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

SyncOptions sync_options(const Config& config) {
  SyncOptions o;
  o.retry_interval_ms = config.backend.retry_interval_ms;
  o.max_attempts = config.backend.max_attempts;
  o.auto_resume_after_ms = config.backend.auto_resume_after_ms;
  return o;
}

}  // namespace

DuckPipeline::DuckPipeline(const Config& config, std::unique_ptr<DuckDatabase> database, RedisClient& redis,
                           SyncSink& sink, const Clock& clock, ClickHouseSync::NotifyFn notify)
    : db(std::move(database)),
      writer(*db, clock),
      mirror(redis, *db, clock, config.redis.prefix, config.engine.dedup_window_s),
      sync(*db, sink, clock, sync_options(config), std::move(notify)) {}

Backend::Backend(const Config& config, RedisClient& redis, std::unique_ptr<DuckDatabase> db, SyncSink& sink,
                 ClickHouseClient& clickhouse, notify::Notifier& notifier)
    : config_(config),
      redis_(redis),
      sink_(sink),
      clickhouse_(clickhouse),
      notifier_(notifier),
      keys_{config.redis.prefix},
      consumer_(redis, config.redis.prefix),
      pipe_(make_pipeline(std::move(db))) {}

std::unique_ptr<DuckPipeline> Backend::make_pipeline(std::unique_ptr<DuckDatabase> db) {
  MTG_CHECK(db != nullptr);
  return std::make_unique<DuckPipeline>(config_, std::move(db), redis_, sink_, clock_,
                                        [this](const notify::Notification& n) { notifier_.notify(n); });
}

Status Backend::start() {
  MTG_RETURN_IF_ERROR(pipe_->sync.load());
  auto had_rtrs = consumer_.stream_exists();
  if (!had_rtrs) return had_rtrs.status();
  MTG_RETURN_IF_ERROR(consumer_.ensure_group());
  MTG_RETURN_IF_ERROR(drain_pending());
  if (refill_pending_) (void)try_refill();  // its first step; the loop runs the rest
  auto open = redis_.command({"EXISTS", RedisKeys{config_.redis.prefix}.open_orders()});
  if (!open) return open.status();
  if (!*had_rtrs && open->integer == 0) {
    auto restored = pipe_->mirror.rebuild_rts();
    if (!restored) return restored.status().with_context("rebuild RTS from DuckDB");
    spdlog::warn("backend: Redis had no RTRS and no open orders; restored {} open orders from DuckDB", *restored);
  }
  spdlog::info("backend: started (sync {})", pipe_->sync.suspended() ? "suspended" : "active");
  return Status::ok();
}

// Entries delivered before a crash and never acknowledged come first.
Status Backend::drain_pending() {
  std::string after = "0";
  for (;;) {
    auto entries = consumer_.read_pending(static_cast<int>(kMaxHistoryBatch), after);
    if (!entries) return entries.status();
    if (entries->empty()) return Status::ok();
    MTG_RETURN_IF_ERROR(store(*entries));
    after = entries->back().stream_id;
  }
}

Status Backend::store(const std::vector<RtrsEntry>& entries) {
  MTG_CHECK(entries.size() <= kMaxHistoryBatch);
  std::vector<TradeResult> results;
  std::vector<std::string> ids;
  for (const RtrsEntry& e : entries) {
    ids.push_back(e.stream_id);
    if (e.result) {
      results.push_back(*e.result);
    } else {
      spdlog::error("backend: RTRS entry {} has no usable result, skipped: {}", e.stream_id, e.error);
    }
  }
  auto written = pipe_->writer.write(results, entries.empty() ? std::string() : entries.back().stream_id);
  if (!written) return written.status().with_context("duckdb trade_history");
  // Acknowledge only after the commit: a crash before this line replays the batch,
  // and trade_history's primary key drops what was logged already.
  return consumer_.ack(ids);
}

Status Backend::loop(const std::atomic<bool>& stop) {
  int64_t next_housekeeping = 0;
  while (!stop.load()) {
    auto entries = consumer_.read_new(static_cast<int>(kMaxHistoryBatch), kReadBlockMs);
    if (entries) {
      ingest_behind_ = entries->size() == kMaxHistoryBatch;  // a full batch: more are waiting
      MTG_RETURN_IF_ERROR(store(*entries));
    } else if (entries.status().code() == Code::kUnavailable || entries.status().code() == Code::kTimeout) {
      return entries.status();  // run_backend waits for Redis, without the file if it stays away
    } else if (entries.status().message().find("NOGROUP") == std::string::npos) {
      return entries.status();
    }
    auto synced = pipe_->sync.tick();
    if (!synced) return synced.status().with_context("clickhouse sync");
    reply_finished_snapshot();
    if (clock_.steady_ms() >= next_housekeeping) {
      MTG_RETURN_IF_ERROR(housekeeping());
      next_housekeeping = clock_.steady_ms() + kHousekeepingMs;
    }
  }
  // Stopped: backups stop asking this backend and open the file themselves.
  (void)redis_.command({"DEL", keys_.heartbeat()});
  return Status::ok();
}

Status Backend::housekeeping() {
  // New results come first: a refill step waits while they queue up, though never for
  // longer than kRefillRetryMs.
  const int64_t now = clock_.steady_ms();
  if (refill_pending_ && now >= next_refill_ms_ && (!ingest_behind_ || now >= next_refill_ms_ + kRefillRetryMs)) {
    (void)try_refill();  // logged
  }
  auto mirrored = pipe_->mirror.poll();
  if (!mirrored && mirrored.status().code() != Code::kUnavailable) return mirrored.status();
  std::optional<std::string> replaying;
  if (refill_pending_) {
    auto progress = refill_progress(*pipe_->db);
    if (!progress) return progress.status().with_context("refill progress");
    replaying = progress->rtrs_replayed_through;
  }
  auto trimmed = consumer_.trim(config_.backend.rtrs_retain_ms, clock_.now_ms(), replaying);
  if (!trimmed) spdlog::warn("backend: rtrs trim: {}", trimmed.status().to_string());
  MTG_RETURN_IF_ERROR(run_commands());
  publish();
  return Status::ok();
}

// Best effort: a missed heartbeat while Redis is down is what operators should see.
void Backend::publish() {
  auto status = pipe_->sync.status();
  if (!status) {
    spdlog::error("backend: sync status: {}", status.status().to_string());
    return;
  }
  auto info = consumer_.group_info();
  nlohmann::json heartbeat = {{"ts", clock_.now_ms()},
                              {"duckdb_version", DuckDatabase::kLibraryVersion},
                              {"lag", info ? info->lag : -1},
                              {"pending", info ? info->pending : -1},
                              {"suspended", status->suspended},
                              {"refill_pending", refill_pending_}};
  const std::string ttl = std::to_string(BackendKeys::kPublishTtlMs);
  (void)redis_.pipeline({{"SET", keys_.heartbeat(), heartbeat.dump(), "PX", ttl},
                         {"SET", keys_.sync(), status->to_json(), "PX", ttl}});
}

namespace {

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
                               ClickHouseClient& clickhouse, notify::Notifier& notifier,
                               const std::atomic<bool>& stop) {
  Backend backend(config, redis, std::move(opened.db), sink, clickhouse, notifier);
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
  auto redis = connect_redis(config, stop);
  if (!redis) return redis.status();
  auto clickhouse = ClickHouseClient::create(config.clickhouse);
  if (!clickhouse) return clickhouse.status();
  Status migrated = migrate_clickhouse(**clickhouse, config.clickhouse.database);
  if (!migrated.is_ok()) spdlog::warn("backend: clickhouse not ready (sync will retry): {}", migrated.to_string());
  auto sink = make_clickhouse_sync_sink(config.clickhouse);
  if (!sink) return sink.status();
  auto notifier = notify::make_configured_notifier(config, SystemClock::instance());
  // For the whole life of the process, whatever its loop is busy with: requesters wait
  // only while this process lives (backup/backend_liveness.h).
  const backup::LivenessLease alive(config.redis, BackendKeys{config.redis.prefix});
  Status s;
  while (!stop.load()) {
    auto opened = open_duckdb_waiting(config, stop);
    if (!opened) {
      // A stop while another process holds the file is a clean stop.
      const bool stopped_waiting = stop.load() && opened.status().code() == Code::kUnavailable;
      if (!stopped_waiting) s = opened.status().with_context("open DuckDB " + config.duckdb.path);
      break;
    }
    s = run_while_redis_answers(config, **redis, std::move(*opened), **sink, **clickhouse, *notifier, stop);
    if (!s.is_ok() || stop.load()) break;
    spdlog::warn("backend: DuckDB file closed until Redis answers again (backups read it themselves meanwhile)");
    wait_for_redis(**redis, BackendKeys{config.redis.prefix}.heartbeat(), stop);
  }
  (void)notifier->flush(kNotifyFlushMs);
  spdlog::info("backend: stopped: {}", s.to_string());
  return s;
}

}  // namespace mtg
