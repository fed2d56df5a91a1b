// `mtguard backend`: RTRS -> DuckDB -> ClickHouse, and the fallback chain at start.
#include "backend/backend_service.h"
#include "cli/command.h"
#include "cli/shutdown.h"

namespace mtg {

void add_backend_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("backend", "Drain RTRS into DuckDB and sync it to ClickHouse");
  cmd->callback([&ctx] {
    auto config = ctx.load("backend");
    if (!config) { ctx.exit_code = kExitFailed; return; }
    const auto& stop = shutdown_flag();
    Status s = run_backend(*config, stop);
    ctx.exit_code = s.is_ok() ? kExitOk : fail("backend", s);
  });
}

}  // namespace mtg
