// The Redis keys through which the backend (sole owner of the DuckDB file) talks to
// operators' commands: `mtguard status` and `mtguard sync status|resume`.
#pragma once

#include <string>

namespace mtg {

struct BackendKeys {
  std::string prefix;

  // JSON {ts, duckdb_version, lag, pending, suspended}, SET every second with PX 5000.
  std::string heartbeat() const { return prefix + "backend:heartbeat"; }
  // SyncStatus JSON, SET every second with PX 5000 (gone when the backend is down).
  std::string sync() const { return prefix + "backend:sync"; }
  // A list of commands the backend LPOPs every second: "resume".
  std::string commands() const { return prefix + "backend:commands"; }

  static constexpr const char* kResumeCommand = "resume";
  // How long the published keys live without a refresh.
  static constexpr int kPublishTtlMs = 5'000;
};

}  // namespace mtg
