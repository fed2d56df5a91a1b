// The backend's lifecycle: the pipeline built on one open DuckDB database; start (the
// RTRS and events entries left unacknowledged, a pending refill's first step, RTS
// rebuilt from DuckDB when Redis lost it); and the loop: ingest, the ClickHouse sync
// and, once a second, housekeeping (a refill step, the open-order mirror, the streams'
// trim, commands, the heartbeat).
#include "backend/backend.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "util/check.h"

namespace mtg {
namespace {

constexpr int64_t kHousekeepingMs = 1'000;  // mirror, heartbeat, status, commands, trim

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
                 ClickHouseClient& clickhouse, notify::Notifier& notifier, BackendObserver& observer)
    : config_(config),
      redis_(redis),
      sink_(sink),
      clickhouse_(clickhouse),
      notifier_(notifier),
      observer_(observer),
      keys_{config.redis.prefix},
      results_(redis, RedisKeys{config.redis.prefix}.rtrs(), "result"),
      events_(redis, RedisKeys{config.redis.prefix}.events(), "event"),
      pipe_(make_pipeline(std::move(db))) {}

std::unique_ptr<DuckPipeline> Backend::make_pipeline(std::unique_ptr<DuckDatabase> db) {
  MTG_CHECK(db != nullptr);
  return std::make_unique<DuckPipeline>(config_, std::move(db), redis_, sink_, clock_,
                                        [this](const notify::Notification& n) { notifier_.notify(n); });
}

Status Backend::start() {
  MTG_RETURN_IF_ERROR(pipe_->sync.load());
  auto had_rtrs = results_.stream_exists();
  if (!had_rtrs) return had_rtrs.status();
  for (Feed feed : kFeeds) {
    MTG_RETURN_IF_ERROR(consumer(feed).ensure_group());
    MTG_RETURN_IF_ERROR(drain_pending(feed));
  }
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

Status Backend::loop(const std::atomic<bool>& stop) {
  int64_t next_housekeeping = 0;
  while (!stop.load()) {
    // Redis unavailable: run_backend waits for it, without the file if it stays away.
    MTG_RETURN_IF_ERROR(ingest_new());
    auto synced = pipe_->sync.tick();
    if (!synced) return synced.status().with_context("clickhouse sync");
    if (*synced > 0) observer_.on_synced(*synced);
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
  std::optional<RefillProgress> progress;
  if (refill_pending_) {
    auto read = refill_progress(*pipe_->db);
    if (!read) return read.status().with_context("refill progress");
    progress = *read;
  }
  for (Feed feed : kFeeds) {
    std::optional<std::string> replaying;
    if (progress) replaying = progress->of(feed).replayed_through;
    auto trimmed = consumer(feed).trim(config_.backend.rtrs_retain_ms, clock_.now_ms(), replaying);
    if (!trimmed) spdlog::warn("backend: {} trim: {}", feed_name(feed), trimmed.status().to_string());
  }
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
  auto info = results_.group_info();
  auto events = events_.group_info();
  observer_.on_published(*status, info, events, refill_pending_);
  nlohmann::json heartbeat = {{"ts", clock_.now_ms()},
                              {"duckdb_version", DuckDatabase::kLibraryVersion},
                              {"lag", info ? info->lag : -1},
                              {"pending", info ? info->pending : -1},
                              {"events_lag", events ? events->lag : -1},
                              {"events_pending", events ? events->pending : -1},
                              {"suspended", status->suspended},
                              {"refill_pending", refill_pending_}};
  if (refill_pending_) heartbeat["refill"] = refill_count_.to_json();
  const std::string ttl = std::to_string(BackendKeys::kPublishTtlMs);
  (void)redis_.pipeline({{"SET", keys_.heartbeat(), heartbeat.dump(), "PX", ttl},
                         {"SET", keys_.sync(), status->to_json(), "PX", ttl}});
}

}  // namespace mtg
