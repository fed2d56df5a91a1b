// What the Backend reports as it works, for its process's metrics (service_metrics.h,
// set up by backend_service.cc): the Backend itself knows nothing of Prometheus. Every
// call comes from the backend's thread, between its own steps; an observer must not
// block.
#pragma once

#include <cstdint>

#include "backend/sync_status.h"
#include "store/duckdb/refill_mark.h"
#include "store/redis/redis_stream.h"
#include "util/status.h"

namespace mtg {

class BackendObserver {
 public:
  virtual ~BackendObserver() = default;
  // One ingest of `feed`'s entries (RTRS results, or trade events) committed to DuckDB:
  // `recorded` records new to its table (trade_history, trade_events), `already` ones it
  // held (delivered again), `unusable` entries without a readable record (logged and
  // acknowledged).
  virtual void on_ingested(Feed feed, int64_t recorded, int64_t already, int64_t unusable) = 0;
  // One refill step: rows filled from ClickHouse, results re-recorded from RTRS, events
  // re-recorded from the events stream.
  virtual void on_refill_step(int64_t filled, int64_t replayed_results, int64_t replayed_events) = 0;
  // Rows ClickHouse took in one turn of the sync.
  virtual void on_synced(int64_t rows) = 0;
  // Once a second: the ClickHouse sync's state, the backend group's delivery state on
  // RTRS and on the events stream (each an error when Redis could not tell), and whether
  // a refill is pending.
  virtual void on_published(const SyncStatus& sync, const Result<StreamGroupInfo>& rtrs,
                            const Result<StreamGroupInfo>& events, bool refill_pending) = 0;
};

}  // namespace mtg
