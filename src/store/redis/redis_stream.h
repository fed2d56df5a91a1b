// What mtguard reads about its Redis streams besides their entries: the time in an
// entry id, and a consumer group's delivery state (how far behind its reader is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis/redis_client.h"
#include "util/status.h"

namespace mtg {

// The Unix ms of a stream entry id ("1700000000000-5" -> 1700000000000): when the
// entry was added (XADD with "*"). nullopt for anything else.
std::optional<int64_t> stream_id_ms(std::string_view id);

// One entry of a stream whose entries carry one payload field.
struct StreamEntry {
  std::string stream_id;
  // The entry's field; nullopt when it has none (written without it, or a pending
  // entry trimmed from the stream).
  std::optional<std::string> payload;
};

// An entry of an XRANGE/XREADGROUP reply ([id, [field, value, ...]]) with `field`'s value.
StreamEntry parse_stream_entry(const RedisReply& entry, const std::string& field);

// The newest `count` entries of `stream` (XREVRANGE), newest first; an empty list when
// the stream does not exist. 0 < count <= kMaxLatestEntries.
inline constexpr int kMaxLatestEntries = 1'000;
Result<std::vector<StreamEntry>> latest_stream_entries(RedisClient& redis, const std::string& stream,
                                                       const std::string& field, int count);

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
