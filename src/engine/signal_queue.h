// RTSS as the engine reads it: a Redis stream consumed through the consumer group
// "engine" (at-least-once delivery; entries stay pending until acknowledged, and
// they are acknowledged by OrderStore together with their final result).
#pragma once

#include <string>
#include <vector>

#include "engine/order_store.h"
#include "keys/redis_keys.h"
#include "store/redis/redis_client.h"

namespace mtg {

class SignalQueue {
 public:
  // `redis` must outlive the queue; one thread uses it.
  SignalQueue(RedisClient& redis, std::string prefix, std::string consumer);

  // Creates the stream and the group if missing (reading from the stream's start, so
  // signals submitted before the engine's first start are processed).
  Status ensure_group();
  // Up to `max` entries never delivered before, waiting up to block_ms for the first.
  Result<std::vector<RtssEntry>> read_new(int max, int block_ms);
  // Up to `max` entries delivered to this consumer but not acknowledged, with ids
  // greater than `after_id` ("0" for all): the work a crashed engine left.
  Result<std::vector<RtssEntry>> read_pending(int max, const std::string& after_id);
  // Deletes acknowledged entries: everything older than both the oldest pending entry
  // and the group's last delivered entry. Returns how many entries were removed.
  Result<int64_t> trim_acknowledged();

 private:
  Result<std::vector<RtssEntry>> read(int max, int block_ms, const std::string& from_id);

  RedisClient& redis_;
  RedisKeys keys_;
  std::string consumer_;
};

// Bounds of intake reads.
inline constexpr int kMaxEntriesPerRead = 256;

}  // namespace mtg
