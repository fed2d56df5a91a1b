#include "cli/cli.h"

#include <iostream>

#include "backup/config_fallback.h"
#include "cli/command.h"
#include "util/check.h"
#include "util/clock.h"
#include "util/log.h"

namespace mtg {

Result<Config> CliContext::load(const std::string& process) const {
  const std::string path = resolve_config_path(config_flag);
  auto config = load_config(path);
  std::vector<backup::ConfigReplacement> replaced;
  if (!config) {  // docs/requirements.md R3.8-3: a bad instance file is replaced by its last valid backup
    auto restored = backup::restore_invalid_instance_configs(path, SystemClock::instance());
    if (restored && !restored->empty()) {
      replaced = std::move(restored).value();
      config = load_config(path);
    }
  }
  if (!config) {
    std::cerr << "mtguard: " << config.status().message() << '\n';
    return config.status();
  }
  if (Status s = init_logging(process, config->log_level, ""); !s.is_ok()) {
    std::cerr << "mtguard: " << s.to_string() << '\n';
    return s;
  }
  for (const auto& inst : config->instances) MTG_CHECK(!inst.id.empty());  // validated
  backup::notify_config_restored(*config, replaced, SystemClock::instance());
  return config;
}

int fail(const std::string& what, const Status& status) {
  MTG_CHECK(!what.empty());
  MTG_CHECK(!status.is_ok());  // callers report failures only
  std::cerr << "mtguard: " << what << ": " << status.to_string() << '\n';
  return kExitFailed;
}

int run_cli(int argc, char** argv) {
  CLI::App app{"mtguard: executes trade signals on MetaTrader 5 terminals; nothing lost or "
               "duplicated across crashes, disconnects and restores"};
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.require_subcommand(1, 1);
  app.fallthrough();
  CliContext ctx;
  app.add_option("--config", ctx.config_flag, "TOML configuration (default $MTGUARD_CONFIG or ./mtguard.toml)");
  app.add_flag("--json", ctx.json, "Machine-readable output");
  add_status_command(app, ctx);
  add_engine_command(app, ctx);
  add_sim_command(app, ctx);
  add_submit_command(app, ctx);
  add_instance_command(app, ctx);
  add_positions_command(app, ctx);
  add_creds_command(app, ctx);
  add_backend_command(app, ctx);
  add_sync_command(app, ctx);
  add_backup_commands(app, ctx);
  add_prefs_command(app, ctx);
  add_web_command(app, ctx);
  add_trace_command(app, ctx);
  add_link_cert_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  MTG_CHECK(ctx.exit_code >= kExitOk);
  MTG_CHECK(ctx.exit_code <= kExitUsage);
  return ctx.exit_code;

}

}  // namespace mtg
