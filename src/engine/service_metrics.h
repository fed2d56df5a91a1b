// The engine process's Prometheus families (docs/operations.md "Metrics"), set by its
// service loop (engine_service.cc) from what the Engine and its store report: the
// decision code itself knows nothing of metrics. Families:
//   mtguard_engine_signals_total{outcome}        decisions (EngineStats)
//   mtguard_engine_results_total{status}         results written to RTRS
//   mtguard_engine_signal_latency_seconds         RTSS entry added -> its final result written
//   mtguard_engine_open_orders, _in_flight_orders, _accepting
//   mtguard_engine_instance_{enabled,connected,broker_connected,reconnect_attempts}{instance_id}
//   mtguard_engine_unknown_outcomes_total, _store_errors_total, _trade_events_total
//   mtguard_engine_spill_journal_entries, mtguard_engine_rtss_{pending,lag}_entries
// Thread-safe as prometheus-cpp is; one thread of the engine calls it.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "engine/engine.h"
#include "order/trade_result.h"
#include "store/redis/redis_stream.h"

namespace mtg {

class EngineMetrics {
 public:
  // Adds the families to `registry`, which must outlive this object.
  explicit EngineMetrics(prometheus::Registry& registry);

  // A result the store wrote to RTRS (intermediate, duplicate or final). A final one
  // with an RTSS entry id also counts in the latency histogram.
  void on_result(const TradeResult& result);

  // What the service reads once a second: the engine's counters and instances, the
  // orders in flight (MeteredOrderStore), the spill journal's entries, and the RTSS
  // group's delivery state (an error leaves the RTSS gauges as they were).
  void observe(const Engine& engine, size_t in_flight, size_t spill_entries,
               const Result<StreamGroupInfo>& rtss);

  // Upper bounds of the latency histogram's buckets, in seconds.
  static const prometheus::Histogram::BucketBoundaries& latency_buckets();

 private:
  prometheus::Family<prometheus::Counter>& signals_;
  prometheus::Family<prometheus::Counter>& results_;
  prometheus::Histogram& latency_;
  prometheus::Gauge& open_orders_;
  prometheus::Gauge& in_flight_;
  prometheus::Gauge& accepting_;
  prometheus::Family<prometheus::Gauge>& enabled_;
  prometheus::Family<prometheus::Gauge>& connected_;
  prometheus::Family<prometheus::Gauge>& broker_connected_;
  prometheus::Family<prometheus::Gauge>& attempts_;
  prometheus::Counter& unknown_outcomes_;
  prometheus::Counter& store_errors_;
  prometheus::Counter& trade_events_;
  prometheus::Gauge& spill_entries_;
  prometheus::Gauge& rtss_pending_;
  prometheus::Gauge& rtss_lag_;
};

}  // namespace mtg
