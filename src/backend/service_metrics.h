// The backend process's Prometheus families (docs/operations.md "Metrics"), fed by the
// Backend through BackendObserver and by its service (backend_service.cc). Families:
//   mtguard_backend_ingested_results_total{outcome}  RTRS entries recorded in DuckDB
//   mtguard_backend_ingested_events_total{outcome}   trade events entries recorded in DuckDB
//   mtguard_backend_refill_rows_total{source}        rows a DuckDB refill took (clickhouse, rtrs, events)
//   mtguard_backend_refill_pending, mtguard_backend_duckdb_open
//   mtguard_backend_synced_rows_total, mtguard_backend_outbox_rows,
//   mtguard_backend_outbox_oldest_age_seconds, mtguard_backend_sync_suspended,
//   mtguard_backend_sync_failed_attempts, mtguard_backend_failed_syncs
//   mtguard_backend_rtrs_{lag,pending}_entries, mtguard_backend_events_{lag,pending}_entries
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "backend/backend_observer.h"

namespace mtg {

class BackendMetrics final : public BackendObserver {
 public:
  // Adds the families to `registry`, which must outlive this object.
  explicit BackendMetrics(prometheus::Registry& registry);

  void on_ingested(Feed feed, int64_t recorded, int64_t already, int64_t unusable) override;
  void on_refill_step(int64_t filled, int64_t replayed_results, int64_t replayed_events) override;
  void on_synced(int64_t rows) override;
  void on_published(const SyncStatus& sync, const Result<StreamGroupInfo>& rtrs,
                    const Result<StreamGroupInfo>& events, bool refill_pending) override;
  // Whether the backend holds the DuckDB file (it closes it while Redis is away).
  void set_duckdb_open(bool open);

 private:
  prometheus::Family<prometheus::Counter>& ingested_results_;
  prometheus::Family<prometheus::Counter>& ingested_events_;
  prometheus::Family<prometheus::Counter>& refilled_;
  prometheus::Gauge& refill_pending_;
  prometheus::Gauge& duckdb_open_;
  prometheus::Counter& synced_;
  prometheus::Gauge& outbox_rows_;
  prometheus::Gauge& outbox_age_;
  prometheus::Gauge& suspended_;
  prometheus::Gauge& failed_attempts_;
  prometheus::Gauge& failed_syncs_;
  // A stream's backlog for the backend's group: entries not yet read, and read but not
  // acknowledged.
  struct StreamBacklog {
    prometheus::Gauge& lag;
    prometheus::Gauge& pending;
    // Left as they were when Redis cannot tell.
    void set(const Result<StreamGroupInfo>& info);
  };
  StreamBacklog rtrs_;
  StreamBacklog events_;
};

}  // namespace mtg
