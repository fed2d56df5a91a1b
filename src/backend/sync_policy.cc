#include "backend/sync_policy.h"

#include "util/check.h"

namespace mtg {

SyncPolicy::SyncPolicy(SyncOptions options) : options_(options) {
  MTG_CHECK(options_.batch_rows >= 1);
  MTG_CHECK(options_.batch_rows <= kMaxBatchRows);
  MTG_CHECK(options_.backlog_batch_rows >= options_.batch_rows);
  MTG_CHECK(options_.backlog_batch_rows <= kMaxBatchRows);
  MTG_CHECK(options_.batch_window_ms >= 0);
  MTG_CHECK(options_.retry_interval_ms >= 0);
  MTG_CHECK(options_.max_attempts >= 1);
}

bool SyncPolicy::should_send(int64_t pending_rows, int64_t oldest_ms, int64_t last_send_ms,
                             int64_t now_ms) const {
  MTG_CHECK(pending_rows >= 0);
  if (pending_rows == 0) return false;
  if (pending_rows >= options_.batch_rows) return true;
  if (now_ms - oldest_ms >= options_.batch_window_ms) return true;
  const bool idle = last_send_ms < 0 || now_ms - last_send_ms >= options_.batch_window_ms;
  return idle;
}

int SyncPolicy::batch_limit(int64_t pending_rows) const {
  MTG_CHECK(pending_rows >= 0);
  return pending_rows > options_.batch_rows ? options_.backlog_batch_rows : options_.batch_rows;
}

bool SyncPolicy::should_retry(int64_t last_attempt_ms, int64_t now_ms) const {
  return now_ms - last_attempt_ms >= options_.retry_interval_ms;
}

}  // namespace mtg
