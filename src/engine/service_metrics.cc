#include "engine/service_metrics.h"

#include <algorithm>

#include "metrics/families.h"

namespace mtg {

using metrics::add_counters;
using metrics::add_gauges;
using metrics::flag;

const prometheus::Histogram::BucketBoundaries& EngineMetrics::latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                                   1,     2.5,  5,     10,   30,  60,   300};
  return kBuckets;
}

EngineMetrics::EngineMetrics(prometheus::Registry& r)
    : signals_(
          add_counters(r, "mtguard_engine_signals_total",
                   "RTSS entries decided, by outcome (expired and dropped also count accepted signals that "
                   "ended so before they were sent)")),
      results_(add_counters(r, "mtguard_engine_results_total", "Results written to RTRS, by status")),
      latency_(prometheus::BuildHistogram()
                   .Name("mtguard_engine_signal_latency_seconds")
                   .Help("From a signal's RTSS entry being added to its final result being written")
                   .Register(r)
                   .Add({}, latency_buckets())),
      open_orders_(add_gauges(r, "mtguard_engine_open_orders", "Orders open in RTS (not final)").Add({})),
      in_flight_(add_gauges(r, "mtguard_engine_in_flight_orders",
                        "Open orders a terminal may be working on (sent or "
                        "partially filled)")
                     .Add({})),
      accepting_(
          add_gauges(r, "mtguard_engine_accepting", "1 while the engine reads new signals, 0 while intake pauses")
              .Add({})),
      enabled_(
          add_gauges(r, "mtguard_engine_instance_enabled", "1 when the instance takes signals, 0 when disabled")),
      connected_(add_gauges(r, "mtguard_engine_instance_connected", "1 while the instance's terminal is linked")),
      broker_connected_(add_gauges(r, "mtguard_engine_instance_broker_connected",
                               "1 while the instance's terminal reports its broker connected")),
      attempts_(add_gauges(r, "mtguard_engine_instance_reconnect_attempts",
                       "Reconnect attempts counted while the link or the broker is down (0 once back)")),
      unknown_outcomes_(add_counters(r, "mtguard_engine_unknown_outcomes_total",
                                 "Terminal answers no one could vouch for (e.g. 10012), asked about again")
                            .Add({})),
      store_errors_(
          add_counters(r, "mtguard_engine_store_errors_total", "Redis calls of the engine that failed").Add({})),
      trade_events_(
          add_counters(r, "mtguard_engine_trade_events_total",
                       "Trade events the terminals reported that the engine appended to the events stream")
              .Add({})),
      spill_entries_(add_gauges(r, "mtguard_engine_spill_journal_entries",
                            "Results kept in the local spill journal until Redis takes them")
                         .Add({})),
      rtss_pending_(add_gauges(r, "mtguard_engine_rtss_pending_entries",
                           "RTSS entries delivered to the engine and not acknowledged (no final result yet)")
                        .Add({})),
      rtss_lag_(
          add_gauges(r, "mtguard_engine_rtss_lag_entries", "RTSS entries not yet read by the engine").Add({})) {}

void EngineMetrics::on_result(const TradeResult& result) {
  results_.Add({{"status", result_status_name(result.status)}}).Increment();
  if (!is_final(result.status)) return;
  const std::optional<int64_t> added_ms = stream_id_ms(result.stream_id);
  if (!added_ms) return;
  // Redis stamps the entry id, the engine the result: clocks of one host, or nearly.
  const int64_t latency_ms = std::max<int64_t>(0, result.ts_ms - *added_ms);
  latency_.Observe(static_cast<double>(latency_ms) / 1000.0);
}

void EngineMetrics::observe(const Engine& engine, size_t in_flight, size_t spill_entries,
                            const Result<StreamGroupInfo>& rtss) {
  const EngineStats& s = engine.stats();
  for (auto [outcome, total] : {std::pair{"accepted", s.accepted}, std::pair{"duplicate", s.duplicates},
                                std::pair{"rejected", s.rejected}, std::pair{"expired", s.expired},
                                std::pair{"dropped", s.dropped}}) {
    metrics::advance_to(signals_.Add({{"outcome", outcome}}), static_cast<double>(total));
  }
  metrics::advance_to(unknown_outcomes_, static_cast<double>(s.unknown_outcomes));
  metrics::advance_to(store_errors_, static_cast<double>(s.store_errors));
  metrics::advance_to(trade_events_, static_cast<double>(s.events));
  open_orders_.Set(static_cast<double>(engine.open_orders()));
  in_flight_.Set(static_cast<double>(in_flight));
  accepting_.Set(flag(engine.accepting()));
  for (const InstanceState& i : engine.instances()) {
    const prometheus::Labels labels{{"instance_id", i.id}};
    enabled_.Add(labels).Set(flag(i.enabled));
    connected_.Add(labels).Set(flag(i.connected));
    broker_connected_.Add(labels).Set(flag(i.broker_connected));
    attempts_.Add(labels).Set(i.attempts);
  }
  spill_entries_.Set(static_cast<double>(spill_entries));
  if (rtss) {
    rtss_pending_.Set(static_cast<double>(rtss->pending));
    if (rtss->lag >= 0) rtss_lag_.Set(static_cast<double>(rtss->lag));
  }
}

}  // namespace mtg
