#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

namespace mtg {

int run_cli(int argc, char** argv) {
  CLI::App app{"mtguard: trade signals on MetaTrader 5 terminals, with backup and recovery"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace mtg
