// The backend's way back from a lost DuckDB file (docs/requirements.md §4.3,
// §4.4: DuckDB missing -> restore the latest valid snapshot).
#pragma once

#include <string>

#include "config/config.h"
#include "util/status.h"

namespace mtg::backup {

// Writes the newest valid DuckDB snapshot of config.backup.dir — files matching its
// manifest's SHA-256, decompressed, opened, row counts equal to the manifest — to
// `dest_path` (which must not exist). Corrupt snapshots are skipped with a warning
// naming them. Returns true when one was written, false when there is no valid one.
// Takes no backup lock (the backend calls it while starting, when it cannot answer
// snapshot requests); retention never removes the newest snapshots it reads.
Result<bool> restore_latest_duckdb_snapshot(const Config& config, const std::string& dest_path);

}  // namespace mtg::backup
