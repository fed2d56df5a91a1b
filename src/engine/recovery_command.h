// Runs an instance's configured recovery command (e.g. a terminal restart script) in
// the background: `/bin/sh -c <command>` with MTG_INSTANCE set. At most one run per
// instance at a time; children are reaped by reap(). Never blocks the engine.
#pragma once

#include <map>
#include <string>
#include <sys/types.h>

#include "config/config.h"

namespace mtg {

class RecoveryCommands {
 public:
  explicit RecoveryCommands(const Config& config) : config_(config) {}
  ~RecoveryCommands();

  // Starts the instance's command unless it has none or one is still running.
  void run(const std::string& instance);
  // Collects finished commands and logs their exit status.
  void reap();

 private:
  const Config& config_;
  std::map<std::string, pid_t> running_;  // instance -> pid
};

}  // namespace mtg
