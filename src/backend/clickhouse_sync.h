// ClickHouseSync: moves rows from the DuckDB outbox (sync_outbox) to ClickHouse in
// batches (SyncPolicy), oldest first, one batch at a time. Each row names its ClickHouse
// table (sync_outbox.target: trade_results or trade_events); a batch holding rows of both
// goes as one insert per table, in the order of their first rows.
//
// - Success: the batch's outbox rows are deleted in one DuckDB transaction.
// - Failure (of any of its inserts): the batch is recorded in failed_syncs (first/last seq, rows, attempts,
//   last_error) and retried, the same rows again, every retry_interval_ms; no newer
//   batch is sent meanwhile, so ClickHouse receives rows in outbox order.
// - After max_attempts failures: suspended (sync_state 'suspended' = '1', survives
//   restarts), a critical "sync_suspended" notification is recorded in DuckDB
//   `notifications` and passed to `notify`; rows stay in the outbox until resume().
//   resume() restarts the count: failed_syncs.attempts of the open batch goes to 0.
// - A suspension that came from ClickHouse being unreachable (the last failure was
//   kUnavailable or kTimeout; sync_state 'suspended_by' = 'unreachable') lifts itself:
//   tick() pings ClickHouse every kProbeIntervalMs (at most) and resumes once every
//   ping has been answered for auto_resume_after_ms (an info "sync_resumed"
//   notification). One that came from ClickHouse refusing the rows ('refused': an HTTP
//   error) waits for `mtguard sync resume`: sent again, they would be refused again.
// Every row carries synced_at = the send time, the ReplacingMergeTree version, so a
// retried batch, even one of whose inserts had gone through, is harmless (read with FINAL). Single-threaded; uses the caller's
// DuckDB connection.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "backend/sync_policy.h"
#include "backend/sync_sink.h"
#include "backend/sync_status.h"
#include "notify/notification.h"
#include "store/duckdb/duckdb_database.h"
#include "util/clock.h"

namespace mtg {

class ClickHouseSync {
 public:
  using NotifyFn = std::function<void(const notify::Notification&)>;

  // All references must outlive this object. Call load() before tick().
  ClickHouseSync(DuckDatabase& db, SyncSink& sink, const Clock& clock, SyncOptions options, NotifyFn notify);

  // Reads the persisted state (suspended flag, open failed batch).
  Status load();

  // While suspended: the probe above, nothing else. Otherwise sends a batch when the
  // policy says so (larger while a backlog waits: SyncPolicy::batch_limit), and while
  // the batches sent are full (a backlog, e.g. after an outage or a suspension) more,
  // back to back, for up to
  // kDrainBudgetMs. Returns the rows synced (0 when nothing was due, suspended, or the
  // send failed; a failure is not an error: it is recorded). Errors are DuckDB
  // failures only.
  Result<int64_t> tick();
  // How long one tick() may drain a backlog; the backend's loop (ingest, commands)
  // waits meanwhile.
  static constexpr int64_t kDrainBudgetMs = 250;
  // How often a suspended sync that may resume itself pings ClickHouse.
  static constexpr int64_t kProbeIntervalMs = 15'000;

  // Clears the suspension; the failed batch is retried on the next tick.
  Status resume();

  // The current state for `mtguard sync status`.
  Result<SyncStatus> status();

  bool suspended() const { return suspended_; }

 private:
  struct FailedBatch {
    bool open = false;
    int64_t id = 0;
    int64_t first_seq = 0;
    int64_t last_seq = 0;
    int attempts = 0;
    int64_t last_attempt_ms = 0;
  };
  Result<int64_t> send_if_due();  // one batch at most
  struct Batch {
    int64_t first_seq = 0;
    int64_t last_seq = 0;
    int64_t rows = 0;
    // {ClickHouse table, its rows as JSONEachRow}, in the order of each table's first row.
    std::vector<std::pair<std::string, std::string>> inserts;
  };

  // The most rows the batch due now may take; 0 when none is due.
  Result<int> due();
  Result<Batch> read_batch(int64_t first_seq, int64_t last_seq, int limit);
  Result<int64_t> send(const Batch& batch);
  Status on_success(const Batch& batch);
  Status on_failure(const Batch& batch, const Status& error);
  Status suspend(const Status& error);
  Status probe();
  bool resumes_itself() const { return suspended_ && unreachable_ && policy_.options().auto_resume_after_ms > 0; }

  DuckDatabase& db_;
  SyncSink& sink_;
  const Clock& clock_;
  SyncPolicy policy_;
  NotifyFn notify_;
  bool loaded_ = false;
  bool suspended_ = false;
  bool unreachable_ = false;        // the suspension came from ClickHouse not answering
  int64_t last_probe_ms_ = -1;      // the last ping of a suspended sync
  int64_t answering_since_ms_ = -1; // since when every ping was answered; -1: the last failed
  FailedBatch failed_;
  int64_t last_send_ms_ = -1;
  int last_limit_ = 0;  // the limit of the last batch due (0: none was)
  int64_t rows_synced_ = 0;
  std::string last_error_;
};

}  // namespace mtg
