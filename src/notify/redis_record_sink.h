// A sink that keeps every notification as a record in the Redis stream
// `<prefix>notifications` (field `notification`: the JSON of notify::to_json),
// trimmed to about kMaxRecords, so operators and tools can read what was notified
// after the fact (`XREVRANGE mtg:notifications + - COUNT 20`).
#pragma once

#include <memory>

#include "config/config.h"
#include "keys/redis_keys.h"
#include "notify/sink.h"
#include "store/redis/redis_client.h"

namespace mtg::notify {

class RedisRecordSink final : public Sink {
 public:
  static constexpr int kMaxRecords = 10'000;

  // Connects on first use (and again after a failure), on the Notifier's thread.
  explicit RedisRecordSink(RedisConfig config) : config_(std::move(config)) {}

  // kUnavailable while Redis is down: the record is lost, the log sink still has it.
  Status deliver(const Notification& n) override;
  std::string name() const override { return "redis(" + RedisKeys{config_.prefix}.notifications() + ")"; }

 private:
  RedisConfig config_;
  std::unique_ptr<RedisClient> redis_;
};

}  // namespace mtg::notify
