// DuckDB snapshot files: row counts per table, and turning an `duckdb.lz4` backup
// back into a checked database file.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "backup/backup_repository.h"
#include "backup/file_util.h"
#include "util/status.h"

namespace mtg::backup {

inline constexpr const char* kDuckdbPayload = "duckdb.lz4";

using TableCounts = std::map<std::string, int64_t>;

// Opens the database file at `path` and counts the rows of every table in its main
// schema. The file's lock is released on return.
Result<TableCounts> count_duckdb_rows(const std::string& path);

// Decompresses `entry`'s duckdb.lz4 to `dest_path` (which must not exist), opens it
// and checks its row counts against the manifest (facts.tables). On success returns
// "N tables, M rows match the manifest"; on failure removes dest_path (kCorruption
// when the counts or the frame are wrong).
Result<std::string> materialize_duckdb_snapshot(const BackupEntry& entry, const std::string& dest_path,
                                                const ProgressFn& progress = {});

}  // namespace mtg::backup
