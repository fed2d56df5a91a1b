// mtguard prefs: not built yet.
#include <iostream>

#include "cli/command.h"

namespace mtg {

void add_prefs_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("prefs", "User preferences: prefs get KEY | set KEY VALUE | unset KEY | list (not built yet)");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "mtguard prefs: not built yet in this version\n";
    ctx.exit_code = kExitUsage;
  });
}

}  // namespace mtg
