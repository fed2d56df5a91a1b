// DuckDatabase: a DuckDB 1.4.4 database file and one connection to it (C API).
//
// DuckDB allows one process per file: the backend owns it and others ask the backend.
// Every call returns a Status/Result with DuckDB's own message, e.g.
//   "duckdb var/data/mtguard.duckdb: Constraint Error: Duplicate key ..."
// Errors of a statement (syntax, constraint, conversion) -> kInvalidArgument.
// One DuckDatabase is one connection with its own transaction and is not thread-safe;
// another_connection() gives another thread its own connection to the same database.
// DuckDB is embedded: there are no network timeouts; bound work with LIMIT.
// Never throws.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/duckdb/duck_appender.h"
#include "store/duckdb/duck_types.h"
#include "util/status.h"

namespace mtg {

class DuckDatabase {
 public:
  // The DuckDB library this code is written and tested against.
  static constexpr const char* kLibraryVersion = "v1.4.4";
  // Most rows query() materialises; larger results fail with kFailedPrecondition.
  static constexpr size_t kMaxQueryRows = 1'000'000;

  // Opens (creating it and its parent directory when missing) the database file.
  // kFailedPrecondition when the loaded library is not kLibraryVersion; kCorruption
  // (with DuckDB's message) when an existing file cannot be opened as a database;
  // kUnavailable when another process holds the file's lock; kIoError otherwise.
  // ":memory:" opens a private in-memory database.
  static Result<std::unique_ptr<DuckDatabase>> open(const std::string& path);
  // Opens an existing database file for reading only: kNotFound when there is no file
  // (it is never created), and the file and its WAL are left as they are (the WAL is
  // replayed in memory). For a process that does not own the file: DuckDB's shared
  // lock excludes a read-write owner (kUnavailable while one holds it, and the owner
  // waits meanwhile). snapshot_to() works; writes fail.
  static Result<std::unique_ptr<DuckDatabase>> open_read_only(const std::string& path);

  ~DuckDatabase();
  DuckDatabase(const DuckDatabase&) = delete;
  DuckDatabase& operator=(const DuckDatabase&) = delete;

  // A new connection to the same open database, for use by another thread. The
  // database stays open until every connection is destroyed.
  Result<std::unique_ptr<DuckDatabase>> another_connection();

  // Runs one or more ';'-separated statements, discarding any result.
  Status exec(const std::string& sql);
  // Runs a statement and materialises its result (at most kMaxQueryRows rows).
  Result<QueryRows> query(const std::string& sql);

  // A prepared statement with `?` or `$1` placeholders bound to `params`, in order.
  Status exec_params(const std::string& sql, const std::vector<DuckParam>& params);
  // Like exec_params; returns the number of rows the INSERT/UPDATE/DELETE changed
  // (0 when ON CONFLICT DO NOTHING skipped the row).
  Result<int64_t> exec_params_changed(const std::string& sql, const std::vector<DuckParam>& params);
  Result<QueryRows> query_params(const std::string& sql, const std::vector<DuckParam>& params);

  // Explicit transaction on this connection (BEGIN TRANSACTION / COMMIT / ROLLBACK).
  Status begin();
  Status commit();
  Status rollback();

  // A bulk loader for `table` (in the main schema). The appender borrows this
  // connection: destroy it before this DuckDatabase.
  Result<std::unique_ptr<DuckAppender>> appender(const std::string& table);

  // Writes a consistent copy of the whole database to a new file `dest_path` (which
  // must not exist; kAlreadyExists otherwise) while other connections keep writing:
  // ATTACH dest; COPY FROM DATABASE live TO dest; DETACH. On failure no file is left
  // behind. Must not be called inside begin()/commit().
  Status snapshot_to(const std::string& dest_path);

  // Copies the database file, byte for byte, to dest_path (which must not exist):
  // a consistent snapshot when everything is in the file (after a CHECKPOINT, or a
  // clean close) and no write commits until this returns. The caller guarantees the
  // latter by holding every writer of the database meanwhile (the backend runs it on
  // its loop's thread; a read-only opener excludes writers by DuckDB's lock).
  // kFailedPrecondition when the WAL holds changes (a CHECKPOINT is due first, or use
  // snapshot_to); kAlreadyExists when dest_path exists; on failure no file of ours is
  // left behind.
  Status copy_checkpointed_file_to(const std::string& dest_path);

  // The DuckDB library version, e.g. "v1.4.4".
  Result<std::string> server_version();
  // ok when the connection answers SELECT 1.
  Status ping();

  // The path this database was opened from.
  const std::string& path() const { return path_; }

 private:
  struct Shared;      // the duckdb_database, shared by every connection
  struct Connection;  // this object's duckdb_connection
  DuckDatabase(std::shared_ptr<Shared> shared, std::unique_ptr<Connection> connection);
  static Result<std::unique_ptr<DuckDatabase>> open_file(const std::string& path, bool read_only);
  Status error(const std::string& what) const;
  Result<QueryRows> run_prepared(const std::string& sql, const std::vector<DuckParam>& params,
                                 int64_t* rows_changed);

  std::shared_ptr<Shared> shared_;
  std::unique_ptr<Connection> connection_;
  std::string path_;
};

// Removes the DuckDB database file at `path` and its WAL, when they exist.
void remove_duckdb_files(const std::string& path);

}  // namespace mtg
