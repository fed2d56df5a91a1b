// What mtguard reads about its Redis streams besides their entries: the time in an
// entry id, and a consumer group's delivery state (how far behind its reader is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/redis/redis_client.h"
#include "util/status.h"

namespace mtg {

// The Unix ms of a stream entry id ("1700000000000-5" -> 1700000000000): when the
// entry was added (XADD with "*"). nullopt for anything else.
std::optional<int64_t> stream_id_ms(std::string_view id);

// A consumer group's delivery state (XINFO GROUPS).
struct StreamGroupInfo {
  std::string last_delivered_id;  // "0-0" before the first delivery
  int64_t lag = -1;               // entries not yet delivered to the group; -1: Redis cannot tell
  int64_t pending = 0;            // delivered, not acknowledged
};

// The state of `group` on `stream`. kNotFound when the stream has no such group (Redis's
// own error when there is no stream).
Result<StreamGroupInfo> stream_group_info(RedisClient& redis, const std::string& stream,
                                          const std::string& group);

}  // namespace mtg
