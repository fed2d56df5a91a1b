// `mtguard sim`: plays one instance's MT5 terminal and broker against the engine.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "config/config.h"
#include "util/status.h"

namespace mtg::sim {

struct SimOptions {
  std::string ledger_path;  // the journal is ledger_path + ".journal"
  // Overrides of the instance's SimConfig (fault injection from the command line).
  std::optional<uint64_t> seed;
  std::optional<double> partial_fill_prob;
  std::optional<double> requote_prob;
  std::optional<double> reject_prob;
};

// Dials the engine at config.engine.link_host:link_port as instance_id (with its
// token), executes what it is sent, lets the broker move every kTickMs (sending the
// trade events and holdings that result), sends every unacknowledged event after each
// welcome, and reconnects whenever the engine goes away (or the simulated link drop
// closes it), until `stop` becomes true (checked at least every 100 ms). Errors:
// unknown instance, bad sim settings (check_sim_config), or a ledger that cannot be
// read or written.
Status run_sim(const Config& config, const std::string& instance_id, const SimOptions& options,
               const std::atomic<bool>& stop);

}  // namespace mtg::sim
