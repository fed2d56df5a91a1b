// When the ClickHouse sync sends a batch (docs/requirements.md §3.7): a batch is up to batch_rows
// outbox rows, or up to backlog_batch_rows while more than batch_rows wait (a backlog:
// after an outage, a suspension, a burst), so that a backlog costs few requests; it leaves when it is full, when its oldest row has waited
// batch_window_ms, or at once when the sync was idle (nothing sent for batch_window_ms),
// so a lone execution reaches ClickHouse without waiting. A failed batch is retried
// every retry_interval_ms; after max_attempts failures the sync suspends. Pure logic.
// (The probe that may lift a suspension is ClickHouseSync's.)
#pragma once

#include <cstdint>

namespace mtg {

struct SyncOptions {
  int batch_rows = 50;              // 1 .. kMaxBatchRows
  int backlog_batch_rows = 5'000;   // batch_rows .. kMaxBatchRows
  int64_t batch_window_ms = 500;
  int64_t retry_interval_ms = 5'000;
  int max_attempts = 5;
  // A sync suspended because ClickHouse could not be reached resumes itself once
  // ClickHouse has answered every probe for this long; 0: only `mtguard sync resume`.
  int64_t auto_resume_after_ms = 60'000;
};

inline constexpr int kMaxBatchRows = 10'000;

class SyncPolicy {
 public:
  explicit SyncPolicy(SyncOptions options);

  // Whether to send a new batch now: `pending_rows` unsent rows (not counting a failed
  // batch), the oldest created at `oldest_ms`; `last_send_ms` the last send (any
  // outcome), or < 0 when nothing was sent yet.
  bool should_send(int64_t pending_rows, int64_t oldest_ms, int64_t last_send_ms, int64_t now_ms) const;

  // The most rows the next batch takes when `pending_rows` wait: batch_rows, or
  // backlog_batch_rows when more than batch_rows wait.
  int batch_limit(int64_t pending_rows) const;

  // Whether a failed batch, last attempted at `last_attempt_ms`, is due for a retry.
  bool should_retry(int64_t last_attempt_ms, int64_t now_ms) const;

  // Whether `attempts` failures suspend the sync.
  bool exhausted(int attempts) const { return attempts >= options_.max_attempts; }

  const SyncOptions& options() const { return options_; }

 private:
  SyncOptions options_;
};

}  // namespace mtg
