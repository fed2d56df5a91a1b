// Commands of DESIGN.md that are not built yet: present in --help, they say so plainly.
#include <iostream>

#include "cli/command.h"

namespace mtg {
namespace {

void unbuilt(CLI::App& parent, CliContext& ctx, const std::string& name, const std::string& what) {
  CLI::App* cmd = parent.add_subcommand(name, what + " (not built yet)");
  cmd->allow_extras();
  cmd->callback([&ctx, name] {
    std::cerr << "mtguard " << name << ": not built yet in this version\n";
    ctx.exit_code = kExitUsage;
  });
}

}  // namespace

void add_backup_commands(CLI::App& app, CliContext& ctx) {
  unbuilt(app, ctx, "backupd", "Run scheduled backups with retention and verification");
  unbuilt(app, ctx, "backup", "backup run KIND | list | verify [KIND]");
  unbuilt(app, ctx, "restore", "restore KIND [--from ID]");
}

}  // namespace mtg
