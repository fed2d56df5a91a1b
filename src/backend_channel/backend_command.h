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
// The grammar lives here only: requesters write a line with format_backend_command,
// the backend reads it with parse_backend_command, and each reads the other's back.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg {

inline constexpr size_t kMaxRequestIdBytes = 64;
inline constexpr size_t kMaxCommandPathBytes = 4'096;

// What a command asks the backend to do (the line's first word).
enum class BackendVerb { kResume, kSnapshot, kRestoreDuckdb, kReconcileRedis };

inline constexpr std::array<BackendVerb, 4> kBackendVerbs = {
    BackendVerb::kResume, BackendVerb::kSnapshot, BackendVerb::kRestoreDuckdb, BackendVerb::kReconcileRedis};

// "resume", "snapshot", "restore-duckdb", "reconcile-redis".
const char* verb_name(BackendVerb verb);

// Inverse of verb_name; kInvalidArgument "unknown command '…'" otherwise.
Result<BackendVerb> parse_verb(std::string_view word);

struct BackendCommand {
  BackendVerb verb = BackendVerb::kResume;
  std::string request_id;  // empty for resume
  std::string path;        // snapshot and restore-duckdb only

  bool operator==(const BackendCommand&) const = default;
};

// True for the commands that carry a request id (all but resume).
bool takes_request_id(BackendVerb verb);

// True for the commands that need a live lease (snapshot, restore-duckdb).
bool runs_only_while_awaited(BackendVerb verb);

// Parses one command line; kInvalidArgument with the reason when it is malformed.
Result<BackendCommand> parse_backend_command(const std::string& line);

// The command line of `command`, which parse_backend_command reads back as `command`.
// Its request id must be valid for the verb (empty for resume) and its path empty
// unless the verb takes one (checked); kInvalidArgument when the path is one the
// parser refuses (relative, too long, control characters).
Result<std::string> format_backend_command(const BackendCommand& command);

// The request id of a command line that may be malformed otherwise, when its second
// word is a valid id (so a bad command can still be answered).
std::optional<std::string> command_request_id(const std::string& line);

// Reply JSON: {"ok":false,"error":error}.
std::string error_reply(const std::string& error);

}  // namespace mtg
