// Small helpers for the services that own Prometheus families: adding a family in one
// call, and feeding counters from totals another object keeps (EngineStats and the like).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace mtg::metrics {

// A counter family named `name` (ending in _total) in `registry`.
prometheus::Family<prometheus::Counter>& add_counters(prometheus::Registry& registry, const std::string& name,
                                                      const std::string& help);
// A gauge family named `name` in `registry`.
prometheus::Family<prometheus::Gauge>& add_gauges(prometheus::Registry& registry, const std::string& name,
                                                  const std::string& help);

// 1 for true, 0 for false: how a yes/no state is a gauge.
inline double flag(bool b) { return b ? 1.0 : 0.0; }

// Advances `counter` to `total`. The source only grows and lives as long as the
// process, so a total below the counter is a broken promise (checked).
void advance_to(prometheus::Counter& counter, double total);

}  // namespace mtg::metrics
