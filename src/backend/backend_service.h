// The backend process (`mtguard backend`, docs/requirements.md "Processes"): the sole owner of
// the DuckDB file. At start it opens DuckDB through the fallback chain
// (duckdb_recovery.h), re-reads its own unacknowledged RTRS entries, rebuilds RTS from
// DuckDB when Redis lost its state (no RTRS stream and no open set), then loops:
// RTRS -> DuckDB (HistoryWriter, acknowledging and trimming after the commit), the
// ClickHouse sync (ClickHouseSync), and once a second the open-order mirror
// (OrderMirror), the heartbeat, the sync status and operator commands (BackendKeys).
// The backend holds the file only while Redis answers: when Redis stays away (killed,
// restarting, loading its AOF) nothing can be ingested, and no heartbeat or backup
// command can pass, so it closes the file until Redis is back. Backups then read the
// file themselves (backup/duckdb_handler.cc) instead of failing on its lock.
#pragma once

#include <atomic>

#include "config/config.h"
#include "util/status.h"

namespace mtg {

// Runs until `stop` is set (then returns ok) or a DuckDB write fails (returns that
// error; the process exits and a restart re-reads the unacknowledged entries).
// Redis or ClickHouse being down is waited out, never an error; while Redis is away the
// DuckDB file is closed, and reopened (through the fallback chain) when it is back.
Status run_backend(const Config& config, const std::atomic<bool>& stop);

}  // namespace mtg
