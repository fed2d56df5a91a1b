// The backend's main object (internal to src/backend/; run_backend in
// backend_service.h is the public face, backend_service.cc the process around it).
// backend.cc holds its lifecycle and loop, backend_ingest.cc RTRS and the events
// stream -> DuckDB, backend_refill.cc the refill of a restored database,
// backend_commands.cc the operator/backup commands (backend_command.h).
#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include "backend/backend_observer.h"
#include "backend/clickhouse_sync.h"
#include "backend/history_writer.h"
#include "backend/order_mirror.h"
#include "backend/stream_consumer.h"
#include "backend_channel/backend_channel.h"
#include "backend_channel/backend_command.h"
#include "config/config.h"
#include "keys/redis_keys.h"
#include "notify/notifier.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/duckdb/duckdb_database.h"
#include "store/redis/redis_client.h"
#include "util/clock.h"

namespace mtg {

// Everything built on one open DuckDB database; replaced whole by restore-duckdb.
// Members are destroyed in reverse order, the database last.
struct DuckPipeline {
  DuckPipeline(const Config& config, std::unique_ptr<DuckDatabase> database, RedisClient& redis, SyncSink& sink,
               const Clock& clock, ClickHouseSync::NotifyFn notify);

  std::unique_ptr<DuckDatabase> db;
  HistoryWriter writer;
  OrderMirror mirror;
  ClickHouseSync sync;
};

class Backend {
 public:
  // Every reference must outlive the backend; `clickhouse` is used for the gap fill
  // after a restore; `observer` hears what the backend does (its process's metrics).
  Backend(const Config& config, RedisClient& redis, std::unique_ptr<DuckDatabase> db, SyncSink& sink,
          ClickHouseClient& clickhouse, notify::Notifier& notifier, BackendObserver& observer);

  // The database is refill-pending (DuckOpenOutcome): restored from a snapshot or new,
  // or an earlier refill never finished. Once started, refill it in steps (refill_step)
  // from the loop, which ingests new results between steps; a failed step is tried
  // again after kRefillRetryMs — ClickHouse or Redis may be down when the backend starts.
  void refill_when_started() { begin_refill(); }

  Status start();
  Status loop(const std::atomic<bool>& stop);

  static constexpr int64_t kRefillRetryMs = 5'000;
  // A refill step's replays stop after the batch that reaches this long, however many
  // of refill_step_entries are left: ingest and the heartbeat (published before
  // each step, BackendKeys::kPublishTtlMs) wait no longer than that, however slow the
  // writer is.
  static constexpr int64_t kRefillStepMaxMs = 2'000;

 private:
  // backend.cc
  std::unique_ptr<DuckPipeline> make_pipeline(std::unique_ptr<DuckDatabase> db);
  Status housekeeping();
  void publish();

  // backend_ingest.cc
  StreamConsumer& consumer(Feed feed) { return feed == Feed::kResults ? results_ : events_; }
  // Entries of `feed` delivered before a crash and never acknowledged.
  Status drain_pending(Feed feed);
  // Reads and ingests new entries of each feed (the events first, without waiting),
  // and notes whether a read was full (ingest_behind_).
  Status ingest_new();
  // Reads and ingests new entries of `feed`, waiting up to block_ms for the first one.
  // Returns whether the read was full (more are waiting).
  Result<bool> ingest_new(Feed feed, int block_ms);
  // Records `feed`'s entries in DuckDB and acknowledges them after the commit.
  Status ingest(Feed feed, const std::vector<StreamEntry>& entries);
  // What record() did with a batch of entries.
  struct Recorded {
    int64_t usable = 0;   // entries that decoded to a record the stores can hold
    int64_t written = 0;  // rows new to DuckDB among them
  };
  // Records the entries that decode (the others are logged and skipped: read again,
  // they would fail again); `through` as HistoryWriter::write takes it.
  Result<Recorded> record(Feed feed, const std::vector<StreamEntry>& entries, const std::string& through);

  // backend_commands.cc
  Status run_commands();
  // Runs one command; an error Status is a failure of the backend itself (DuckDB
  // lost), a refused or failed command is answered through `reply`.
  Status run_command(const BackendCommand& command);
  // Marks the command's lease taken; false (answered "dropped") when the lease is gone.
  bool take(const BackendCommand& command);
  void reply(const std::string& request_id, const std::string& json);
  // CHECKPOINT, then a copy of the file to the command's path, with every write held
  // meanwhile; the reply (ok, bytes, pause_ms) or the error's.
  std::string take_snapshot(const BackendCommand& command);
  Status restore_duckdb(const BackendCommand& command);
  std::string reconcile_redis();

  // backend_refill.cc
  // What one refill step did.
  struct RefillStep {
    int64_t filled = -1;           // rows from the ClickHouse gaps; -1 when no gap fill ran this step
    int64_t replayed_results = 0;  // results re-recorded from RTRS
    int64_t replayed_events = 0;   // events re-recorded from the events stream
    int64_t read = 0;              // stream entries the replays read (rows recorded before among them)
    bool complete = false;         // every gap filled, every replay at its end, trade_state settled
    std::string errors;            // "" when every part ran
  };
  // One step of the refill of a restored database: for each feed, up to [backend]
  // refill_step_entries rows of its ClickHouse gap after the last one filled, and as
  // many entries of its stream after the last one replayed (a step holds up ingest that
  // long, however large the gaps or streams), then, once all are done, trade_state
  // settled.
  RefillStep refill_step();
  // refill_step's part for one feed; returns whether its gap is filled and its replay
  // at its end.
  bool refill_feed(Feed feed, const Result<std::optional<int64_t>>& since, const FeedRefill& progress,
                   int64_t started_ms, RefillStep& step);
  // What one replay of a stream did.
  struct Replay {
    int64_t read = 0;          // entries read
    int64_t recorded = 0;      // rows new to DuckDB
    bool reached_end = false;  // the stream had no more up to the bound
  };
  // Replays up to refill_step_entries of `feed`'s stream after the stream id `after`
  // through `until` (until kRefillStepMaxMs after `started_ms` at most), recording its
  // position.
  Result<Replay> replay_stream(Feed feed, std::string after, const std::string& until, int64_t started_ms);
  // Publishes the heartbeat (backups ask a backend that has one), then runs a refill
  // step; clears the mark (in DuckDB too) when the refill is complete,
  // else schedules the next step: at once, or after kRefillRetryMs when it failed.
  RefillStep try_refill();
  // Marks a refill under way in this process, its count started afresh.
  void begin_refill();

  const Config& config_;
  SystemClock clock_;
  RedisClient& redis_;
  SyncSink& sink_;
  ClickHouseClient& clickhouse_;
  notify::Notifier& notifier_;
  BackendObserver& observer_;
  BackendKeys keys_;
  StreamConsumer results_;  // RTRS
  StreamConsumer events_;   // the trade events
  std::unique_ptr<DuckPipeline> pipe_;  // never null
  bool refill_pending_ = false;
  RefillCount refill_count_;    // of the refill under way (published in the heartbeat)
  int64_t next_refill_ms_ = 0;  // steady clock
  bool ingest_behind_ = false;  // a last read of new entries was a full batch
};

}  // namespace mtg
