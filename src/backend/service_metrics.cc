#include "backend/service_metrics.h"

#include "metrics/families.h"
#include "util/check.h"

namespace mtg {

using metrics::add_counters;
using metrics::add_gauges;
using metrics::flag;

BackendMetrics::BackendMetrics(prometheus::Registry& r)
    : ingested_results_(
          add_counters(r, "mtguard_backend_ingested_results_total",
                       "RTRS entries the backend committed to DuckDB, by outcome (recorded: new in "
                       "trade_history; already_recorded: delivered again; unusable: no readable result)")),
      ingested_events_(
          add_counters(r, "mtguard_backend_ingested_events_total",
                       "Trade events entries the backend committed to DuckDB, by outcome (recorded: new in "
                       "trade_events; already_recorded: delivered again; unusable: no readable event)")),
      refilled_(
          add_counters(r, "mtguard_backend_refill_rows_total",
                       "Rows a refill of a restored DuckDB took, by source (clickhouse, rtrs, events)")),
      refill_pending_(
          add_gauges(r, "mtguard_backend_refill_pending", "1 while the DuckDB file awaits its refill")
              .Add({})),
      duckdb_open_(add_gauges(r, "mtguard_backend_duckdb_open",
                              "1 while the backend holds the DuckDB file (it closes it while Redis is away)")
                       .Add({})),
      synced_(add_counters(r, "mtguard_backend_synced_rows_total", "Outbox rows ClickHouse took").Add({})),
      outbox_rows_(
          add_gauges(r, "mtguard_backend_outbox_rows", "Rows in the DuckDB outbox, not yet in ClickHouse")
              .Add({})),
      outbox_age_(add_gauges(r, "mtguard_backend_outbox_oldest_age_seconds",
                             "Age of the oldest outbox row (0 when empty)")
                      .Add({})),
      suspended_(add_gauges(r, "mtguard_backend_sync_suspended",
                            "1 while the ClickHouse sync is suspended (max_attempts failures)")
                     .Add({})),
      failed_attempts_(add_gauges(r, "mtguard_backend_sync_failed_attempts",
                                  "Failed attempts of the batch being retried (0 when none fails)")
                           .Add({})),
      failed_syncs_(
          add_gauges(r, "mtguard_backend_failed_syncs", "Unresolved batches in DuckDB failed_syncs").Add({})),
      rtrs_{add_gauges(r, "mtguard_backend_rtrs_lag_entries", "RTRS entries not yet read by the backend").Add({}),
            add_gauges(r, "mtguard_backend_rtrs_pending_entries",
                       "RTRS entries delivered to the backend and not acknowledged")
                .Add({})},
      events_{add_gauges(r, "mtguard_backend_events_lag_entries",
                         "Trade events stream entries not yet read by the backend")
                  .Add({}),
              add_gauges(r, "mtguard_backend_events_pending_entries",
                         "Trade events stream entries delivered to the backend and not acknowledged")
                  .Add({})} {
  // Every series from the start, at 0, so that rates and increases see its first rise.
  for (auto* family : {&ingested_results_, &ingested_events_}) {
    for (const char* outcome : {"recorded", "already_recorded", "unusable"})
      family->Add({{"outcome", outcome}});
  }
  for (const char* source : {"clickhouse", "rtrs", "events"}) refilled_.Add({{"source", source}});
}

void BackendMetrics::on_ingested(Feed feed, int64_t recorded, int64_t already, int64_t unusable) {
  MTG_CHECK(recorded >= 0 && already >= 0 && unusable >= 0);
  auto& ingested = feed == Feed::kResults ? ingested_results_ : ingested_events_;
  ingested.Add({{"outcome", "recorded"}}).Increment(static_cast<double>(recorded));
  ingested.Add({{"outcome", "already_recorded"}}).Increment(static_cast<double>(already));
  ingested.Add({{"outcome", "unusable"}}).Increment(static_cast<double>(unusable));
}

void BackendMetrics::on_refill_step(int64_t filled, int64_t replayed_results, int64_t replayed_events) {
  MTG_CHECK(filled >= 0 && replayed_results >= 0 && replayed_events >= 0);
  refilled_.Add({{"source", "clickhouse"}}).Increment(static_cast<double>(filled));
  refilled_.Add({{"source", "rtrs"}}).Increment(static_cast<double>(replayed_results));
  refilled_.Add({{"source", "events"}}).Increment(static_cast<double>(replayed_events));
}

void BackendMetrics::on_synced(int64_t rows) {
  MTG_CHECK(rows >= 0);
  synced_.Increment(static_cast<double>(rows));
}

void BackendMetrics::StreamBacklog::set(const Result<StreamGroupInfo>& info) {
  if (!info) return;
  pending.Set(static_cast<double>(info->pending));
  if (info->lag >= 0) lag.Set(static_cast<double>(info->lag));
}

void BackendMetrics::on_published(const SyncStatus& sync, const Result<StreamGroupInfo>& rtrs,
                                  const Result<StreamGroupInfo>& events, bool refill_pending) {
  MTG_CHECK(sync.lag_rows >= 0);
  outbox_rows_.Set(static_cast<double>(sync.lag_rows));
  outbox_age_.Set(static_cast<double>(sync.oldest_unsent_age_ms) / 1000.0);
  suspended_.Set(flag(sync.suspended));
  failed_attempts_.Set(sync.attempts);
  failed_syncs_.Set(static_cast<double>(sync.failed_batches));
  refill_pending_.Set(flag(refill_pending));
  rtrs_.set(rtrs);
  events_.set(events);
}

void BackendMetrics::set_duckdb_open(bool open) { duckdb_open_.Set(flag(open)); }

}  // namespace mtg
