// What a Redis server says about itself that mtguard's promises depend on: which
// process it is (run_id: a new one after every restart, so a client can tell that
// acknowledged writes may have been lost) and how it persists what it acknowledges
// ([redis] durability, config/config.h).
#pragma once

#include <string>

#include "config/config.h"
#include "store/redis/redis_client.h"
#include "util/status.h"

namespace mtg {

// INFO server run_id: 40 hex characters, new on every start of the server.
Result<std::string> server_run_id(RedisClient& redis);

// Tells when a different Redis answers than the one seen last: a restart or a failover,
// after which acknowledged writes may be missing.
class ServerChangeWatch {
 public:
  // True when the server answering now has another run_id than at the last call that
  // reached one; false on the first. An error when the server cannot be asked.
  Result<bool> changed(RedisClient& redis);

 private:
  std::string last_run_id_;
};

// The server's persistence settings (CONFIG GET appendonly, appendfsync).
struct RedisPersistence {
  bool appendonly = false;
  std::string appendfsync;  // "always", "everysec" or "no"
};

// Reads them; an error when the server refuses CONFIG (some managed servers rename it).
Result<RedisPersistence> read_persistence(RedisClient& redis);

// Ok when `persistence` keeps at least what `wanted` promises: everysec needs the AOF
// with appendfsync everysec or always; always needs the AOF with appendfsync always.
// kFailedPrecondition naming what runs and what is configured otherwise.
Status check_durability(const RedisPersistence& persistence, RedisDurability wanted);

}  // namespace mtg
