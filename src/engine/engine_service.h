// `mtguard engine`: wires the Engine to Redis (RTSS/RTS/RIS/RTRS) and to the terminal
// link server, and runs until `stop` is set. Recovers on start (docs/requirements.md
// "Recovery rules"): loads RIS and open orders, then re-decides every RTSS entry that was
// delivered but never acknowledged, before reading new ones.
#pragma once

#include <atomic>

#include "config/config.h"
#include "util/status.h"

namespace mtg {

// Returns when `stop` becomes true (ok) or when the engine cannot run at all (e.g. the
// link port is taken). A Redis outage is waited out, never a reason to return.
Status run_engine(const Config& config, const std::atomic<bool>& stop);

}  // namespace mtg
