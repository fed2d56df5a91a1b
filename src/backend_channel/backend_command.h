// The operator/backup commands the backend takes from `<prefix>backend:commands`
// (BackendKeys), one text line each:
//   resume                                 resume a suspended ClickHouse sync
//   snapshot <request_id> <dest_path>      consistent DuckDB snapshot to dest_path
//   restore-duckdb <request_id> <src_path> swap src_path in as the live database
//   reconcile-redis <request_id>           re-assert dedup keys and open orders in Redis
// request_id: 1..64 lowercase or uppercase hex digits; paths: absolute, at most
// kMaxCommandPathBytes, no control characters (the path is the rest of the line, so
// it may hold spaces). Answers go to BackendKeys::reply(request_id) as JSON
// {"ok":true,...} or {"ok":false,"error":"..."}.
// A snapshot or restore-duckdb runs only while its requester still waits for it: the
// backend takes it by marking its lease (BackendKeys::lease) and drops it, answering
// "dropped: …", when the lease is gone. A late snapshot is noise; a late restore would
// swap the database after its operator was told it failed.
#pragma once

#include <optional>
#include <string>

#include "util/status.h"

namespace mtg {

inline constexpr size_t kMaxRequestIdBytes = 64;
inline constexpr size_t kMaxCommandPathBytes = 4'096;

struct BackendCommand {
  enum class Kind { kResume, kSnapshot, kRestoreDuckdb, kReconcileRedis };
  Kind kind = Kind::kResume;
  std::string request_id;  // empty for resume
  std::string path;        // snapshot and restore-duckdb only
};

// True for the commands that need a live lease (snapshot, restore-duckdb).
bool runs_only_while_awaited(BackendCommand::Kind kind);

// Parses one command line; kInvalidArgument with the reason when it is malformed.
Result<BackendCommand> parse_backend_command(const std::string& line);

// The request id of a command line that may be malformed otherwise, when its second
// word is a valid id (so a bad command can still be answered).
std::optional<std::string> command_request_id(const std::string& line);

// Reply JSON: {"ok":false,"error":error}.
std::string error_reply(const std::string& error);

}  // namespace mtg
