// What every `mtguard` command shares: the global flags and how a command reports.
// Each command lives in its own cmd_*.cc file and registers itself with add_*_command.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "config/config.h"

namespace mtg {

struct CliContext {
  std::string config_flag;  // --config PATH (else $MTGUARD_CONFIG, else ./mtguard.toml)
  bool json = false;        // --json: machine-readable output
  int exit_code = 0;        // set by the command that ran

  // Loads the configuration and starts logging for `process`; prints a one-line error
  // to stderr and returns an error when the file is bad.
  Result<Config> load(const std::string& process) const;
};

// Exit codes: 0 ok, 1 the operation failed, 2 bad usage or unbuilt command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Prints "mtguard: <what>: <status>" to stderr and returns kExitFailed.
int fail(const std::string& what, const Status& status);

void add_status_command(CLI::App& app, CliContext& ctx);
void add_engine_command(CLI::App& app, CliContext& ctx);
void add_sim_command(CLI::App& app, CliContext& ctx);
void add_submit_command(CLI::App& app, CliContext& ctx);
void add_instance_command(CLI::App& app, CliContext& ctx);
void add_positions_command(CLI::App& app, CliContext& ctx);
void add_creds_command(CLI::App& app, CliContext& ctx);
void add_backend_command(CLI::App& app, CliContext& ctx);
void add_sync_command(CLI::App& app, CliContext& ctx);
// backupd, backup run|list|verify, restore.
void add_backup_commands(CLI::App& app, CliContext& ctx);
// prefs get|set|unset|list.
void add_prefs_command(CLI::App& app, CliContext& ctx);
// The read-only status page.
void add_web_command(CLI::App& app, CliContext& ctx);
// One signal's life across the stores.
void add_trace_command(CLI::App& app, CliContext& ctx);
// The terminal link's TLS certificate.
void add_link_cert_command(CLI::App& app, CliContext& ctx);

}  // namespace mtg
