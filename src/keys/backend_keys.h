// The Redis keys through which the backend (sole owner of the DuckDB file) talks to
// operators' commands: `mtguard status`, `mtguard sync status|resume`, and the backup
// module's snapshot/restore requests (backend/backend_command.h, backup/backend_channel.h).
// Kept here, below both, so that the backend and the backup module spell them once.
#pragma once

#include <string>

namespace mtg {

struct BackendKeys {
  std::string prefix;

  // JSON {ts, duckdb_version, lag, pending, suspended}, SET every second with PX 5000.
  std::string heartbeat() const { return prefix + "backend:heartbeat"; }
  // SyncStatus JSON, SET every second with PX 5000 (gone when the backend is down).
  std::string sync() const { return prefix + "backend:sync"; }
  // A list of commands the backend LPOPs every second (backend_command.h).
  std::string commands() const { return prefix + "backend:commands"; }
  // The JSON answer to the command with this request id, SET with PX kReplyTtlMs.
  std::string reply(const std::string& request_id) const { return prefix + "backend:reply:" + request_id; }
  // A request's lease: "queued" while its requester waits (renewed on every poll,
  // PX 10000), "taken" once the backend runs it (backup/backend_channel.h).
  std::string lease(const std::string& request_id) const { return prefix + "backend:waiting:" + request_id; }

  static constexpr const char* kResumeCommand = "resume";
  // How long the published keys live without a refresh.
  static constexpr int kPublishTtlMs = 5'000;
  // How long a reply waits to be read.
  static constexpr int kReplyTtlMs = 600'000;
};

}  // namespace mtg
