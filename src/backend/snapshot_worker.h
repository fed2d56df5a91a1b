// SnapshotWorker: takes DuckDB snapshots (DuckDatabase::snapshot_to) on its own thread
// and its own connection, so the backend keeps ingesting RTRS meanwhile. At most one
// snapshot runs at a time. Owned and driven by the backend's thread: start(), then
// poll() until it hands back the outcome; wait() before the database is closed.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "store/duckdb/duckdb_database.h"
#include "util/status.h"

namespace mtg {

class SnapshotWorker {
 public:
  struct Done {
    std::string request_id;
    Result<int64_t> bytes;  // size of the snapshot file, or why it failed
  };

  SnapshotWorker() = default;
  ~SnapshotWorker() { (void)wait(); }
  SnapshotWorker(const SnapshotWorker&) = delete;
  SnapshotWorker& operator=(const SnapshotWorker&) = delete;

  // Starts a snapshot of `db` into `dest_path` on a new connection to it.
  // kFailedPrecondition when one is already running.
  Status start(DuckDatabase& db, const std::string& request_id, const std::string& dest_path);

  // The outcome once the running snapshot has finished (then the worker is idle).
  std::optional<Done> poll();

  // Blocks until the running snapshot (if any) has finished; returns its outcome.
  std::optional<Done> wait();

  bool busy() const { return running_.valid(); }

 private:
  std::string request_id_;
  std::future<Result<int64_t>> running_;
};

}  // namespace mtg
