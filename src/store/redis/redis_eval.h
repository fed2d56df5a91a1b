// What runs a Lua script on Redis: one server (RedisClient) or, on a cluster, the master
// of the slot the script's keys lie in (RedisCluster). For code that works on both.
#pragma once

#include <string>
#include <vector>

#include "store/redis/redis_reply.h"
#include "store/redis/redis_script.h"
#include "util/status.h"

namespace mtg {

class RedisEval {
 public:
  virtual ~RedisEval() = default;
  // Runs `script` with EVALSHA, falling back to EVAL when the server does not know it.
  // An error reply becomes a non-ok Result (kInvalidArgument, or kUnavailable for
  // LOADING and BUSY); kUnavailable when the server cannot be reached.
  virtual Result<RedisReply> eval(const RedisScript& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args) = 0;
};

}  // namespace mtg
