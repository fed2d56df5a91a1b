// Swapping the backend's DuckDB file for a restored one (`restore-duckdb`):
// the candidate is checked while the live database stays in use; the swap itself
// needs every connection to the live file closed, and never deletes anything: the
// live file (and its .wal) moves aside to "<path>.before-restore-<unix ms>".
#pragma once

#include <cstdint>
#include <string>

#include "util/status.h"

namespace mtg {

// ok when `src_path` is a regular file that opens as a DuckDB database and takes our
// migrations (it is migrated in place); otherwise the reason (kCorruption when DuckDB
// cannot open it).
Status check_duckdb_candidate(const std::string& src_path);

// Moves `live_path` (+ .wal) aside and renames `src_path` into its place (copying
// when they are on different file systems). Returns where the old file went. On
// failure everything is put back as it was. Precondition: no connection to either.
Result<std::string> swap_duckdb_file(const std::string& live_path, const std::string& src_path, int64_t now_ms);

// Undoes swap_duckdb_file: the restored file moves to "<path>.failed-restore-<ms>",
// the old one back into place.
Status undo_duckdb_swap(const std::string& live_path, const std::string& moved_aside, int64_t now_ms);

}  // namespace mtg
