// Runs a shell command for a test or a harness and keeps what it printed.
#pragma once

#include <string>

namespace mtg::testkit {

struct ShellResult {
  int exit_code = -1;  // -1 when the command could not run or was killed by a signal
  std::string output;  // stdout and stderr, interleaved
};

// `command` through /bin/sh with stderr joined to stdout.
ShellResult run_shell(const std::string& command);

}  // namespace mtg::testkit
