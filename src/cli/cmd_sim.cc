#include "cli/command.h"
#include "cli/shutdown.h"
#include "sim/sim_main.h"

namespace mtg {

void add_sim_command(CLI::App& app, CliContext& ctx) {
  auto options = std::make_shared<sim::SimOptions>();
  auto instance = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("sim", "Run a simulated MT5 terminal + broker for one instance");
  cmd->add_option("--instance", *instance, "Instance id to play")->required();
  cmd->add_option("--ledger", options->ledger_path, "Broker ledger (JSONL); same path = same broker")->required();
  cmd->callback([&ctx, options, instance] {
    auto config = ctx.load("sim");
    if (!config) { ctx.exit_code = kExitFailed; return; }
    Status s = sim::run_sim(*config, *instance, *options, shutdown_flag());
    ctx.exit_code = s.is_ok() ? kExitOk : fail("sim", s);
  });
}

}  // namespace mtg
