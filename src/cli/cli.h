// The `mtguard` command line: parses arguments and runs one command.
#pragma once

namespace mtg {
// Runs the command named by argv; returns the process exit code.
int run_cli(int argc, char** argv);
}
