// Prometheus counters fed from totals another object keeps (EngineStats and the like):
// each read of the total advances the counter by what was added since.
#pragma once

#include <prometheus/counter.h>

namespace mtg::metrics {

// Advances `counter` to `total`. The source only grows and lives as long as the
// process, so a total below the counter is a broken promise (checked).
void advance_to(prometheus::Counter& counter, double total);

}  // namespace mtg::metrics
