// The backend process (`mtguard backend`, DESIGN.md "Processes"): the sole owner of
// the DuckDB file. At start it opens DuckDB through the fallback chain
// (duckdb_recovery.h), re-reads its own unacknowledged RTRS entries, rebuilds RTS from
// DuckDB when Redis lost its state (no RTRS stream and no open set), then loops:
// RTRS -> DuckDB (HistoryWriter, acknowledging and trimming after the commit), the
// ClickHouse sync (ClickHouseSync), and once a second the open-order mirror
// (OrderMirror), the heartbeat, the sync status and operator commands (BackendKeys).
#pragma once

#include <atomic>

#include "config/config.h"
#include "util/status.h"

namespace mtg {

// Runs until `stop` is set (then returns ok) or a DuckDB write fails (returns that
// error; the process exits and a restart re-reads the unacknowledged entries).
// Redis or ClickHouse being down is waited out, never an error.
Status run_backend(const Config& config, const std::atomic<bool>& stop);

}  // namespace mtg
