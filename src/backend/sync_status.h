// The ClickHouse sync's state as the backend publishes it in Redis
// (<prefix>backend:sync, refreshed every second) for `mtguard sync status`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg {

struct SyncStatus {
  int64_t ts_ms = 0;               // when this status was taken, Unix ms
  int64_t lag_rows = 0;            // rows in the outbox, not yet in ClickHouse
  int64_t oldest_unsent_age_ms = 0;  // age of the oldest outbox row; 0 when empty
  bool suspended = false;          // true after max_attempts failures, until resumed
  bool resumes_itself = false;     // suspended while ClickHouse was unreachable: a probe resumes it
  int attempts = 0;                // failed attempts of the current failed batch
  int64_t failed_batches = 0;      // unresolved rows of failed_syncs
  std::string last_error;          // the last failure's message, "" when none
  int64_t rows_synced = 0;         // rows sent successfully since the backend started

  // {"ts":…,"lag_rows":…,"oldest_unsent_age_ms":…,"suspended":…,"resumes_itself":…,
  //  "attempts":…,"failed_batches":…,"last_error":"…","rows_synced":…}
  std::string to_json() const;
  // Decodes to_json's output; kCorruption naming what is wrong.
  static Result<SyncStatus> from_json(std::string_view text);
};

}  // namespace mtg
