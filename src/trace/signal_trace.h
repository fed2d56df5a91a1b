// `mtguard trace UUID`: one signal's whole life, read from every place that keeps a
// trace of it, in the order it passes them: its RTSS entry, the dedup record, its order
// in RTS with the legs and their client ids, the terminals' ledgers (when given), its
// results in RTRS, DuckDB and ClickHouse, and the trade events that name it; then the
// disagreements between them (trace/store_agreement.h). Read-only: DuckDB is read from
// a snapshot (the backend's when it runs), never from the live file.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "overview/system_overview.h"
#include "util/status.h"

namespace mtg {

struct TraceOptions {
  std::vector<std::string> ledger_paths;  // simulator ledgers (JSON lines) to read
};

struct SignalTrace {
  std::string uuid;  // canonical
  // "rtss", "dedup", "rts", "legs", "ledger", "rtrs", "duckdb", "duckdb_events",
  // "clickhouse", "clickhouse_events", "events": each a table, or the error that kept
  // it from being read.
  std::vector<OverviewSection> sections;
  std::vector<std::string> disagreements;  // empty when every store read agrees
};

// Most stream entries scanned per stream for the uuid (newest first).
inline constexpr int64_t kMaxTraceScanEntries = 200'000;

// kInvalidArgument when `uuid` is not a UUID; otherwise the trace (a store that cannot
// be read is a section's error, not a failure of the whole).
Result<SignalTrace> trace_signal(const Config& config, const std::string& uuid, const TraceOptions& options);

// {"uuid": …, "<section>": [rows…], …, "errors": {…}, "disagreements": [...]}.
nlohmann::json trace_json(const SignalTrace& trace);

}  // namespace mtg
