// StreamConsumer: the backend's side of a Redis stream it records (RTRS, <prefix>rtrs,
// field `result`; the trade events, <prefix>events, field `event`): consumer group
// `backend` with one fixed consumer name, so that after a crash the backend finds its
// own delivered-but-unacknowledged entries (read_pending) before reading new ones.
// Entries are acknowledged only by ack(), which the caller invokes after the DuckDB
// commit; trim() removes only acknowledged entries older than a retention age.
// Single-threaded; borrows the RedisClient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keys/redis_keys.h"
#include "store/redis/redis_client.h"
#include "store/redis/redis_stream.h"

namespace mtg {

class StreamConsumer {
 public:
  static constexpr int kMaxEntriesPerRead = 1'000;
  static constexpr const char* kConsumerName = "backend-1";

  // The stream `stream` (a key of RedisKeys), whose entries carry `field`.
  StreamConsumer(RedisClient& redis, std::string stream, std::string field);

  // Whether the stream exists at all (false after Redis lost its data).
  Result<bool> stream_exists();
  // Creates the group at 0 with MKSTREAM; an existing group is fine.
  Status ensure_group();
  // This consumer's pending entries with ids after `after_id` ("0" from the start).
  Result<std::vector<StreamEntry>> read_pending(int max, const std::string& after_id);
  // New entries, waiting up to block_ms (0: do not wait) for the first one.
  Result<std::vector<StreamEntry>> read_new(int max, int block_ms);
  // Entries still in the stream with ids after `after_id` ("0" from the start) up to
  // `through_id` ("+" to the end), acknowledged or not, outside the group (XRANGE): for
  // re-recording history after DuckDB was restored from a snapshot.
  Result<std::vector<StreamEntry>> range_after(int max, const std::string& after_id,
                                               const std::string& through_id);
  // XACK of these ids (at most kMaxEntriesPerRead).
  Status ack(const std::vector<std::string>& ids);
  // XTRIM MINID: drops entries that are acknowledged AND older than retain_ms (by
  // their id's ms part against now_ms) AND, when `keep_after` is set (a refill's
  // replay of the stream still under way), not after that id. Returns the entries removed.
  Result<int64_t> trim(int64_t retain_ms, int64_t now_ms, const std::optional<std::string>& keep_after);
  // The group's delivery state (XINFO GROUPS + XPENDING).
  Result<StreamGroupInfo> group_info();
  // The entries the stream still holds that the group has been delivered (XLEN less the
  // group's lag): what a replay of the whole stream through its last delivery reads.
  // kUnavailable when Redis cannot tell the lag.
  Result<int64_t> delivered_held();

 private:
  Result<std::vector<StreamEntry>> read(int max, int block_ms, const std::string& from_id);

  RedisClient& redis_;
  std::string stream_;
  std::string field_;
};

}  // namespace mtg
