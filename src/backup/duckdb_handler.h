// The `duckdb` kind: a consistent snapshot taken by the backend when it runs (it owns
// the file: CHECKPOINT, then a copy of the file while it holds writes), else by opening
// the file directly (read-only, which excludes writers: a copy of the file, or ATTACH +
// COPY FROM DATABASE when its WAL holds changes); row counts per table and how long the
// snapshot took (facts.snapshot_ms: the write pause, plus the request's round trip when
// the backend took it) go into the manifest; the snapshot is stored as an LZ4 frame.
// The raw snapshot is written beside the DuckDB file (<duckdb.path>.backup-raw), on the
// file system the database lives on, and removed once compressed: faults of the backup
// directory never reach a DuckDB write.
#pragma once

#include "backup/duckdb_snapshot.h"
#include "backup/kind_handler.h"

namespace mtg::backup {

class DuckdbHandler final : public KindHandler {
 public:
  explicit DuckdbHandler(const BackupEnv& env) : env_(env) {}
  Status take(const std::string& dir, Manifest& manifest) override;
  Result<std::string> drill(const BackupEntry& entry, const std::string& scratch) override;
  // Backend running: decompress to <duckdb.path>.restore-<id> and ask it to swap
  // (restore-duckdb). Backend down, or gone while it was asked (its process died: see
  // backend_channel/backend_liveness.h): move the live file (and WAL) aside, put the
  // snapshot in its place, at once.
  Status restore(const BackupEntry& entry, const std::string& scratch) override;
  // Writes a consistent raw snapshot of the live DuckDB file to `raw_path` (absolute,
  // on a file system the backend may write): the backend takes it when it runs, else it
  // is taken from the file directly. Returns how ("backend" or "direct").
  Result<std::string> snapshot(const std::string& raw_path);

 private:
  Result<TableCounts> compress_raw(const std::string& raw_path, const std::string& dir, Manifest& manifest);
  Status swap_file(const std::string& restored_path);
  Status restore_directly(const std::string& restored_path);

  BackupEnv env_;
};

}  // namespace mtg::backup
