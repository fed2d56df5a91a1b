// The instance table operators read in `mtguard status` and `mtguard instance list`:
// every configured instance with the state the engine keeps in RIS (enabled,
// connected, broker, attempts of the connection-loss policy, disable reason).
#pragma once

#include "cli/table.h"
#include "config/config.h"
#include "store/redis/redis_client.h"

namespace mtg {

// An instance RIS does not know yet is shown as configured and not connected.
Result<Table> instance_table(const Config& config, RedisClient& redis);

}  // namespace mtg
