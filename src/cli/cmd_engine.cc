#include "cli/command.h"
#include "cli/shutdown.h"
#include "engine/engine_service.h"

namespace mtg {

void add_engine_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("engine", "Run the Trade Engine: RTSS -> terminals -> RTS/RIS/RTRS");
  cmd->callback([&ctx] {
    auto config = ctx.load("engine");
    if (!config) { ctx.exit_code = kExitFailed; return; }
    const auto& stop = shutdown_flag();
    Status s = run_engine(*config, stop);
    ctx.exit_code = s.is_ok() ? kExitOk : fail("engine", s);
  });
}

}  // namespace mtg
